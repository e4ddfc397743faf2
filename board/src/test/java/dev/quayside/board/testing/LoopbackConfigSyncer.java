package dev.quayside.board.testing;

import com.sun.net.httpserver.HttpServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback receiver in config-syncer's place for its promotion endpoints, answering as config-syncer's
 * {@code PromotionResource} does: {@code GET /api/promotions} lists one promotion waiting ({@link #APP} into {@link #ENVIRONMENT} of {@link #REPOSITORY}, image {@link #IMAGE});
 * {@code POST /api/promotions/{repository}/{app}/{environment}/approve|reject} answers 200 for it, 409 when the body
 * names another image, 404 for any other. Records each request with its {@code Authorization} header and body.
 */
public final class LoopbackConfigSyncer implements AutoCloseable {

    public static final String REPOSITORY = "deploy-config";
    public static final String APP = "web";
    public static final String ENVIRONMENT = "prod";
    public static final String IMAGE = "127.0.0.1:5000/web:0fb1cc4f4e20@sha256:" + "ab".repeat(32);

    /** One request received. */
    public record Request(String method, String path, String authorization, String body) {
    }

    private final HttpServer server;
    private final List<Request> requests;

    private LoopbackConfigSyncer(HttpServer server, List<Request> requests) {
        this.server = server;
        this.requests = requests;
    }

    public static LoopbackConfigSyncer start() {
        List<Request> requests = new CopyOnWriteArrayList<>();
        HttpServer server = LoopbackHttp.start("/api/promotions", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Request(exchange.getRequestMethod(), path,
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
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
        });
        return new LoopbackConfigSyncer(server, requests);
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
