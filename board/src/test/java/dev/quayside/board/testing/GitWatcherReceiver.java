package dev.quayside.board.testing;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback receiver in git-watcher's place, answering {@code POST /repositories/{name}/sync} the way git-watcher
 * does (200 with the repository for {@link #WATCHED}, 404 otherwise) and recording each request with its
 * {@code Authorization} header. Points {@code quayside.board.git-watcher.url} at itself.
 */
public class GitWatcherReceiver implements QuarkusTestResourceLifecycleManager {

    public static final String WATCHED = "watched-app";

    /** One request received. */
    public record Request(String method, String path, String authorization) {
    }

    public static final List<Request> REQUESTS = new CopyOnWriteArrayList<>();

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/repositories/", exchange -> {
            REQUESTS.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization")));
            boolean watched = exchange.getRequestURI().getPath().equals("/repositories/" + WATCHED + "/sync");
            byte[] body = (watched
                    ? "{\"name\":\"" + WATCHED + "\",\"kind\":\"app\",\"heads\":{\"refs/heads/main\":\"abc\"}}"
                    : "{\"error\":\"repository is not watched\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(watched ? 200 : 404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return Map.of("quayside.board.git-watcher.url", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
