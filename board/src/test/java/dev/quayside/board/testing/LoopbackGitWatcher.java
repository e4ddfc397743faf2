package dev.quayside.board.testing;

import com.sun.net.httpserver.HttpServer;
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
    private final List<Request> requests;

    private LoopbackGitWatcher(HttpServer server, List<Request> requests) {
        this.server = server;
        this.requests = requests;
    }

    public static LoopbackGitWatcher start() {
        List<Request> requests = new CopyOnWriteArrayList<>();
        HttpServer server = LoopbackHttp.start("/repositories/", exchange -> {
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization")));
            boolean watched = exchange.getRequestURI().getPath().equals("/repositories/" + WATCHED + "/sync");
            LoopbackHttp.json(exchange, watched ? 200 : 404, watched
                    ? "{\"name\":\"" + WATCHED + "\",\"kind\":\"app\",\"heads\":{\"refs/heads/main\":\"0fb1cc4f4e20aa\"}}"
                    : "{\"error\":\"repository is not watched\"}");
        });
        return new LoopbackGitWatcher(server, requests);
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
