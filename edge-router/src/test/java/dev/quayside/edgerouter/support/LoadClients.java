package dev.quayside.edgerouter.support;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback load generator: {@code clients} threads sending {@code GET /} for {@code host} through HAProxy on a fresh
 * connection each ({@link Http}: no keep-alive, no retries, so a refused or reset connection is a failure), pausing
 * {@code paceMillis} between requests, until stopped, {@code maxRequests} were sent or {@code maxRun} passed.
 */
public final class LoadClients implements AutoCloseable {

    private final ExecutorService threads;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger ok = new AtomicInteger();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();

    private LoadClients(int clients, int port, String host, long paceMillis, int maxRequests, Duration maxRun) {
        threads = Executors.newFixedThreadPool(clients);
        long deadline = System.nanoTime() + maxRun.toNanos();
        for (int i = 0; i < clients; i++) {
            threads.submit(() -> {
                while (!stop.get() && sent.incrementAndGet() <= maxRequests && System.nanoTime() < deadline) {
                    try {
                        Http.Response response = Http.get(port, host, "/");
                        if (response.status() == 200) {
                            ok.incrementAndGet();
                            answers.computeIfAbsent(response.body(), b -> new AtomicInteger()).incrementAndGet();
                        } else {
                            failures.add("HTTP " + response.status() + " " + response.body());
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                    pause(paceMillis);
                }
            });
        }
    }

    public static LoadClients start(int clients, int port, String host, long paceMillis, int maxRequests,
            Duration maxRun) {
        return new LoadClients(clients, port, host, paceMillis, maxRequests, maxRun);
    }

    public int sent() {
        return sent.get();
    }

    public int ok() {
        return ok.get();
    }

    public Queue<String> failures() {
        return failures;
    }

    /** Successful answers by body. */
    public Map<String, AtomicInteger> answers() {
        return answers;
    }

    /** Stops the clients and waits for them; false when they did not end in time. */
    public boolean stop() throws InterruptedException {
        stop.set(true);
        threads.shutdown();
        return threads.awaitTermination(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        stop.set(true);
        threads.shutdownNow();
    }

    public static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
