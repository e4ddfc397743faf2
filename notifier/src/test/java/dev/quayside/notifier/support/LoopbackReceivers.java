package dev.quayside.notifier.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * Stands in for Slack, Mattermost, Teams, Google Chat and a generic receiver: a JDK HttpServer on 127.0.0.1 that
 * records every request and answers as the service does (Slack "ok" 200, Teams 202, ...), or with the status set for
 * a path (to play a channel that is down).
 */
public final class LoopbackReceivers implements AutoCloseable {

    /** One received request ({@code path} decoded, {@code rawPath} as sent; header names in lower case). */
    public record Request(String method, String path, String rawPath, Map<String, String> headers, String body,
            long receivedAtNanos) {
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> statusByPath = new ConcurrentHashMap<>();

    public LoopbackReceivers() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            Map<String, String> headers = exchange.getRequestHeaders().entrySet().stream()
                    .collect(Collectors.toMap(e -> e.getKey().toLowerCase(), e -> String.join(",", e.getValue()),
                            (a, b) -> a));
            requests.add(new Request(exchange.getRequestMethod(), path, exchange.getRequestURI().getRawPath(), headers,
                    new String(body, StandardCharsets.UTF_8), System.nanoTime()));
            int status = statusByPath.entrySet().stream().filter(e -> path.startsWith(e.getKey()))
                    .map(Map.Entry::getValue).findFirst().orElse(path.startsWith("/teams") ? 202 : 200);
            byte[] answer = (status >= 400 ? "unavailable" : "ok").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Answers every request to {@code path} (and below it) with {@code status}. */
    public void answer(String path, int status) {
        statusByPath.put(path, status);
    }

    public List<Request> at(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** Requests to paths that start with {@code prefix}. */
    public List<Request> under(String prefix) {
        return requests.stream().filter(r -> r.path().startsWith(prefix)).toList();
    }

    /** Requests to {@code path} whose body contains {@code text}. */
    public List<Request> at(String path, String text) {
        return requests.stream().filter(r -> r.path().equals(path) && r.body().contains(text)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
