package dev.quayside.edgerouter.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP server answering every request with its name (after {@value #SLOW_MILLIS} ms for paths under
 * {@code /slow}; {@code 503} for {@code /health} once {@link #failHealth()} was called, as a draining task does): a
 * backend instance in tests.
 */
public final class Backend implements AutoCloseable {

    /** How long a request to {@code /slow...} takes: one that is in flight while its server is drained. */
    public static final long SLOW_MILLIS = 1500;

    private final String name;
    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicInteger hits = new AtomicInteger();
    private volatile boolean healthFails;

    private Backend(String name) throws IOException {
        this.name = name;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        this.executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            if (healthFails && exchange.getRequestURI().getPath().equals("/health")) {
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
                return;
            }
            hits.incrementAndGet();
            if (exchange.getRequestURI().getPath().startsWith("/slow")) {
                try {
                    Thread.sleep(SLOW_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    public static Backend start(String name) throws IOException {
        return new Backend(name);
    }

    public String name() {
        return name;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** From now on {@code /health} answers 503: the task got its stop signal and drains. */
    public void failHealth() {
        healthFails = true;
    }

    public int hits() {
        return hits.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
