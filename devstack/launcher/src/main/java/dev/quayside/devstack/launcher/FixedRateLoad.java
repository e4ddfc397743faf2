package dev.quayside.devstack.launcher;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client load at a fixed rate: {@code GET <uri>} every {@code 1/rate} s from a single ticker, each request sent
 * asynchronously (HTTP/1.1, 2 s to connect, {@link #TIMEOUT} to answer) and its outcome kept as a {@link Sample}:
 * the status and body of an answer, or the socket error. {@link #close()} stops sending and waits for the answers of
 * the requests still under way, so afterwards every request sent has exactly one sample. The one load generator of
 * the zero-downtime test (e2e) and bench.
 */
public final class FixedRateLoad implements AutoCloseable {

    /** How long one request may take before it counts as failed ({@code HttpTimeoutException}). */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    /**
     * One request: when it was sent ({@link System#nanoTime()}), how long it took, and what came back — an answer's
     * status and stripped body ({@code error} null), or a socket error's class name and message ({@code status} 0).
     */
    public record Sample(long sentNanos, long latencyNanos, int status, String error, String message, String body) {

        /** Not a 200 answer. */
        public boolean failed() {
            return error != null || status != 200;
        }

        /** {@code HTTP 503: <body>} or {@code ConnectException: <message>}; the body of a 200 answer. */
        public String describe() {
            if (error != null) {
                return error + ": " + message;
            }
            return status == 200 ? body : "HTTP " + status + ": " + body;
        }
    }

    private final URI uri;
    private final ExecutorService answers = Executors.newFixedThreadPool(4, daemon("load-answers"));
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).executor(answers).build();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("load-ticker"));
    private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sent = new AtomicInteger();
    private final Phaser underWay = new Phaser(1); // the closing party, plus one per request under way
    private boolean closed;

    private FixedRateLoad(URI uri, int ratePerSecond) {
        this.uri = uri;
        ticker.scheduleAtFixedRate(this::send, 0, 1_000_000 / ratePerSecond, TimeUnit.MICROSECONDS);
    }

    /**
     * Starts sending {@code GET uri} at {@code ratePerSecond} (1 to 1000).
     *
     * @throws IllegalArgumentException for a rate outside 1..1000
     */
    public static FixedRateLoad start(URI uri, int ratePerSecond) {
        if (ratePerSecond < 1 || ratePerSecond > 1000) {
            throw new IllegalArgumentException("rate must be 1 to 1000 requests/s, not " + ratePerSecond);
        }
        return new FixedRateLoad(uri, ratePerSecond);
    }

    private void send() {
        underWay.register();
        sent.incrementAndGet();
        long start = System.nanoTime();
        try {
            http.sendAsync(HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, failure) -> {
                        if (failure != null) {
                            failed(start, failure.getCause() != null ? failure.getCause() : failure);
                        } else {
                            samples.add(new Sample(start, System.nanoTime() - start, response.statusCode(), null,
                                    null, response.body().strip()));
                            underWay.arriveAndDeregister();
                        }
                    });
        } catch (RuntimeException e) { // refused before it was sent: counted as failed all the same
            failed(start, e);
        }
    }

    private void failed(long start, Throwable cause) {
        samples.add(new Sample(start, System.nanoTime() - start, 0, cause.getClass().getSimpleName(),
                cause.getMessage(), null));
        underWay.arriveAndDeregister();
    }

    /** Requests sent so far. */
    public int sent() {
        return sent.get();
    }

    /** The requests that have ended so far (answered or failed), in the order they ended. */
    public List<Sample> samples() {
        return new ArrayList<>(samples);
    }

    /**
     * Stops sending and waits (up to {@link #TIMEOUT} and a margin) for the requests under way to end; then
     * {@code samples().size() == sent()}.
     *
     * @throws IllegalStateException when a request has not ended by then
     */
    @Override
    public synchronized void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        ticker.shutdown();
        try {
            if (!ticker.awaitTermination(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the load's ticker did not stop");
            }
            underWay.awaitAdvanceInterruptibly(underWay.arrive(), TIMEOUT.toMillis() + 2_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException((sent() - samples.size()) + " request(s) of the load did not end within "
                    + TIMEOUT + " and a margin", e);
        } finally {
            answers.shutdown();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
