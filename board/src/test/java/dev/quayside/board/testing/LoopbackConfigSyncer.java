package dev.quayside.board.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback receiver in config-syncer's place for its promotion endpoints: {@code GET /api/promotions} lists one
 * promotion waiting ({@link #APP} into {@link #ENVIRONMENT} of {@link #REPOSITORY}, image {@link #IMAGE});
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
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private LoopbackConfigSyncer(HttpServer server) {
        this.server = server;
    }

    public static LoopbackConfigSyncer start() {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LoopbackConfigSyncer receiver = new LoopbackConfigSyncer(server);
        server.createContext("/api/promotions", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            receiver.requests.add(new Request(exchange.getRequestMethod(), path,
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            String waiting = "/api/promotions/" + REPOSITORY + "/" + APP + "/" + ENVIRONMENT + "/";
            int status;
            String answer;
            if (exchange.getRequestMethod().equals("GET") && path.equals("/api/promotions")) {
                status = 200;
                answer = "{\"promotions\":[{\"repository\":\"" + REPOSITORY + "\",\"app\":\"" + APP
                        + "\",\"from\":\"staging\",\"environment\":\"" + ENVIRONMENT + "\",\"image\":\"" + IMAGE
                        + "\",\"waitingFor\":[\"approval\"]}]}";
            } else if (!path.startsWith(waiting) || !List.of("approve", "reject").contains(path.substring(waiting.length()))) {
                status = 404;
                answer = "{\"error\":\"no promotion waiting at " + path + "\"}";
            } else if (body.contains("\"image\"") && !body.contains(IMAGE)) {
                status = 409;
                answer = "{\"error\":\"the promotion waiting is for " + IMAGE + "\"}";
            } else {
                status = 200;
                answer = "{\"app\":\"" + APP + "\",\"environment\":\"" + ENVIRONMENT + "\",\"decision\":\""
                        + path.substring(waiting.length()) + "\"}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return receiver;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Request> requests() {
        return requests;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
