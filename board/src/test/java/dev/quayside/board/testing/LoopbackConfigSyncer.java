package dev.quayside.board.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback receiver in config-syncer's place for its operator endpoints, answering in the shapes config-syncer does.
 * Records each request with its {@code Authorization} header and body.
 * <ul>
 * <li>{@code GET /api/promotions} lists one promotion waiting ({@link #APP} into {@link #ENVIRONMENT} of
 * {@link #REPOSITORY}, image {@link #IMAGE}); {@code POST /api/promotions/{repository}/{app}/{environment}/approve|reject}
 * answers 200 for it, 409 when the body names another image, 404 for any other.</li>
 * <li>{@code GET /api/suspensions} lists what is suspended: from the start {@link #SUSPENDED_IN_YML} in {@code prod},
 * declared in quayside.yml, then whatever was suspended through the API and not resumed.</li>
 * <li>{@code POST /api/apps/{app}/{environment}/suspend|resume|rollback}: every app is defined in every environment of
 * {@link #REPOSITORY} except an app whose name starts with {@link #UNDEFINED} (404); {@link #SHARED} is in two config
 * repositories (400 unless the body names one; 404 for another repository). A body that is not a JSON object of
 * strings: 400. suspend: 200 with a commit, or without one when suspended already. resume: 404 when not suspended,
 * 409 when suspended in quayside.yml. rollback: 409 when suspended, 409 when {@code to} is the image tag running now
 * ({@link #CURRENT_TAG}), 404 when {@code to} starts with {@link #NO_SUCH_VERSION}; else 200 from {@link #CURRENT_TAG}
 * to {@link #PREVIOUS_TAG} (or to the tag or image named in {@code to}).</li>
 * </ul>
 */
public final class LoopbackConfigSyncer implements AutoCloseable {

    public static final String REPOSITORY = "deploy-config";
    public static final String APP = "web";
    public static final String ENVIRONMENT = "prod";
    public static final String IMAGE = "127.0.0.1:5000/web:0fb1cc4f4e20@sha256:" + "ab".repeat(32);

    /** Suspended in {@code prod} in quayside.yml from the start. */
    public static final String SUSPENDED_IN_YML = "billing";
    /** An app name prefix no config repository defines. */
    public static final String UNDEFINED = "missing";
    /** An app defined in two config repositories: {@link #REPOSITORY} and {@link #OTHER_REPOSITORY}. */
    public static final String SHARED = "shared";
    public static final String OTHER_REPOSITORY = "team-config";
    /** The image tag every app runs now, and the one before it (what a rollback restores by default). */
    public static final String CURRENT_TAG = "9d1e0aa7c3b2";
    public static final String PREVIOUS_TAG = "0fb1cc4f4e20";
    /** A {@code to} prefix no earlier version matches. */
    public static final String NO_SUCH_VERSION = "0000000";

    /** One request received. */
    public record Request(String method, String path, String authorization, String body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern STEER = Pattern.compile("/api/apps/([^/]+)/([^/]+)/(suspend|resume|rollback)");

    private final HttpServer server;
    private final List<Request> requests;

    private LoopbackConfigSyncer(HttpServer server, List<Request> requests) {
        this.server = server;
        this.requests = requests;
    }

    public static LoopbackConfigSyncer start() {
        List<Request> requests = new CopyOnWriteArrayList<>();
        Map<String, ObjectNode> suspended = new ConcurrentHashMap<>();
        suspended.put(SUSPENDED_IN_YML + "/prod", suspension(REPOSITORY, SUSPENDED_IN_YML, "prod", "quayside.yml", null,
                null, null));
        AtomicInteger commits = new AtomicInteger();
        HttpServer server = LoopbackHttp.start("/api/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Request(exchange.getRequestMethod(), path,
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            Matcher steer = STEER.matcher(path);
            if (path.startsWith("/api/promotions")) {
                promotion(exchange, path, body);
            } else if (exchange.getRequestMethod().equals("GET") && path.equals("/api/suspensions")) {
                ArrayNode list = JSON.createArrayNode();
                suspended.values().forEach(list::add);
                LoopbackHttp.json(exchange, 200, list.toString());
            } else if (exchange.getRequestMethod().equals("POST") && steer.matches()) {
                Answer answer = steer(steer.group(1), steer.group(2), steer.group(3), body, suspended, commits);
                LoopbackHttp.json(exchange, answer.status(), answer.body());
            } else {
                LoopbackHttp.json(exchange, 404, "{\"error\":\"no such endpoint: " + path + "\"}");
            }
        });
        return new LoopbackConfigSyncer(server, requests);
    }

    private static void promotion(HttpExchange exchange, String path, String body) throws IOException {
        String waiting = "/api/promotions/" + REPOSITORY + "/" + APP + "/" + ENVIRONMENT + "/";
        String decision = path.startsWith(waiting) ? path.substring(waiting.length()) : "";
        if (exchange.getRequestMethod().equals("GET") && path.equals("/api/promotions")) {
            LoopbackHttp.json(exchange, 200, "[{\"repository\":\"" + REPOSITORY + "\",\"app\":\"" + APP
                    + "\",\"fromEnvironment\":\"staging\",\"toEnvironment\":\"" + ENVIRONMENT + "\",\"image\":\""
                    + IMAGE + "\",\"requestedAt\":\"2026-12-06T06:00:00Z\",\"waitingFor\":[\"approval\"]}]");
        } else if (!List.of("approve", "reject").contains(decision)) {
            LoopbackHttp.json(exchange, 404, "{\"error\":\"no promotion waiting at " + path + "\"}");
        } else if (body.contains("\"image\"") && !body.contains(IMAGE)) {
            LoopbackHttp.json(exchange, 409, "{\"error\":\"the promotion waiting is for " + IMAGE + "\"}");
        } else {
            LoopbackHttp.json(exchange, 200, "{\"app\":\"" + APP + "\",\"toEnvironment\":\"" + ENVIRONMENT
                    + "\",\"image\":\"" + IMAGE + "\",\"promoted\":" + decision.equals("approve") + "}");
        }
    }

    private record Answer(int status, String body) {
        static Answer error(int status, String message) {
            return new Answer(status, JSON.createObjectNode().put("error", message).toString());
        }
    }

    private static Answer steer(String app, String environment, String action, String text,
            Map<String, ObjectNode> suspended, AtomicInteger commits) {
        JsonNode body;
        try {
            body = text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Answer.error(400, "the body is not JSON: " + e.getOriginalMessage());
        }
        if (body == null || !body.isObject()) {
            return Answer.error(400, "the body must be a JSON object");
        }
        for (var field : (Iterable<Map.Entry<String, JsonNode>>) body::fields) {
            if (!field.getValue().isTextual()) {
                return Answer.error(400, "'" + field.getKey() + "' must be a string");
            }
        }
        String repository = body.path("repository").asText(null);
        if (app.startsWith(UNDEFINED)) {
            return Answer.error(404, "no definition of " + app + " in " + environment + " in any config repository");
        }
        List<String> repositories = app.equals(SHARED) ? List.of(REPOSITORY, OTHER_REPOSITORY) : List.of(REPOSITORY);
        if (repository == null && repositories.size() > 1) {
            return Answer.error(400, app + " is defined in several config repositories (" + String.join(", ", repositories)
                    + "): name one");
        }
        if (repository != null && !repositories.contains(repository)) {
            return Answer.error(404, "no definition of " + app + " in " + environment + " in " + repository);
        }
        String repo = repository != null ? repository : repositories.get(0);
        String key = app + "/" + environment;
        ObjectNode answer = JSON.createObjectNode().put("repository", repo).put("app", app)
                .put("environment", environment).put("action", action);
        ObjectNode current = suspended.get(key);
        switch (action) {
            case "suspend" -> {
                if (current != null) {
                    return ok(answer.putNull("commit").put("message", app + " is suspended in " + environment
                            + " already: nothing written"));
                }
                String commit = commit(commits);
                suspended.put(key, suspension(repo, app, environment, ".quayside/suspended/" + environment + "/" + app
                        + ".yml", body.path("by").asText(null), body.path("reason").asText(null), commit));
                return ok(answer.put("commit", commit).put("message", "suspended " + app + " in " + environment));
            }
            case "resume" -> {
                if (current == null) {
                    return Answer.error(404, app + " is not suspended in " + environment);
                }
                if (current.path("declaredIn").asText().equals("quayside.yml")) {
                    return Answer.error(409, app + " is suspended in " + environment + " in quayside.yml itself:"
                            + " edit quayside.yml to resume it");
                }
                suspended.remove(key);
                return ok(answer.put("commit", commit(commits)).put("message", "resumed " + app + " in " + environment));
            }
            default -> {
                if (current != null) {
                    return Answer.error(409, app + " is suspended in " + environment + ": resume it first");
                }
                String to = body.path("to").asText(null);
                if (to != null && to.startsWith(NO_SUCH_VERSION)) {
                    return Answer.error(404, "no earlier version of " + app + " in " + environment + " matches '" + to
                            + "'");
                }
                if (CURRENT_TAG.equals(to)) {
                    return Answer.error(409, app + " in " + environment + " is at " + CURRENT_TAG + " already");
                }
                String toImage = to == null || to.matches("[0-9a-f]{7,40}") ? image(app, PREVIOUS_TAG)
                        : to.contains("/") ? to : image(app, to);
                String restoredFrom = to != null && to.matches("[0-9a-f]{7,40}") ? to : "7e57ab1e" + "0".repeat(32);
                return ok(answer.put("commit", commit(commits)).put("file", "marathon/" + environment + "/" + app + ".json")
                        .put("fromImage", image(app, CURRENT_TAG)).put("toImage", toImage)
                        .put("restoredFrom", restoredFrom)
                        .put("message", "rolled back " + app + " in " + environment + " to " + toImage));
            }
        }
    }

    private static Answer ok(ObjectNode body) {
        return new Answer(200, body.toString());
    }

    private static ObjectNode suspension(String repository, String app, String environment, String declaredIn, String by,
            String reason, String commit) {
        ObjectNode s = JSON.createObjectNode().put("repository", repository).put("app", app)
                .put("environment", environment).put("declaredIn", declaredIn).put("by", by).put("reason", reason)
                .put("since", commit == null ? null : Instant.now().toString()).put("commit", commit);
        return s;
    }

    /** The image of {@code app} at {@code tag}, as this stand-in's definitions pin it. */
    public static String image(String app, String tag) {
        return "127.0.0.1:5000/" + app + ":" + tag;
    }

    private static String commit(AtomicInteger commits) {
        return String.format("5e1f%036x", commits.incrementAndGet());
    }

    public String url() {
        return LoopbackHttp.url(server);
    }

    public List<Request> requests() {
        return requests;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
