package dev.quayside.board.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback receiver in git-watcher's place, answering {@code POST /repositories/{name}/sync} the way git-watcher
 * does (200 with the repository and its heads for {@link #WATCHED}, 404 with an error otherwise) and recording each
 * request with its {@code Authorization} header.
 */
public final class LoopbackGitWatcher implements AutoCloseable {

    public static final String WATCHED = "watched-app";

    /** One request received. */
    public record Request(String method, String path, String authorization) {
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private LoopbackGitWatcher(HttpServer server) {
        this.server = server;
    }

    public static LoopbackGitWatcher start() {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LoopbackGitWatcher receiver = new LoopbackGitWatcher(server);
        server.createContext("/repositories/", exchange -> {
            receiver.requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization")));
            boolean watched = exchange.getRequestURI().getPath().equals("/repositories/" + WATCHED + "/sync");
            byte[] body = (watched
                    ? "{\"name\":\"" + WATCHED + "\",\"kind\":\"app\",\"heads\":{\"refs/heads/main\":\"0fb1cc4f4e20aa\"}}"
                    : "{\"error\":\"repository is not watched\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(watched ? 200 : 404, body.length);
            exchange.getResponseBody().write(body);
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
