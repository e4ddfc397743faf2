package dev.quayside.marathonapplier.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.events.EventCodec;
import dev.quayside.kit.retry.Retrier;
import dev.quayside.kit.retry.RetryPolicy;
import dev.quayside.marathonapplier.config.ApplierConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Marathon's {@code /v2/events} stream (Server-Sent Events), per environment, used as a <em>hint</em>: a
 * {@code deployment_success}/{@code deployment_failed}/{@code deployment_info} for a deployment wakes whoever follows
 * it, who then confirms by polling; whether a deployment's end was announced as success or failure is kept until its
 * follower {@link #forget forgets} it. Events can be missed (leader change, dropped stream): the stream reconnects with
 * the kit's back-off, and followers poll anyway at their interval.
 */
@ApplicationScoped
public class MarathonEventStream {

    /** Reconnects forever (the stream is only a hint), 500 ms doubling to 30 s, jittered. */
    private static final RetryPolicy RECONNECT = RetryPolicy.of(Duration.ofMillis(500), 2, Duration.ofSeconds(30),
            Duration.ZERO, -1, 0.2);

    private static final String EVENT_TYPES = "event_type=deployment_success&event_type=deployment_failed"
            + "&event_type=deployment_info&event_type=deployment_step_success&event_type=deployment_step_failure";

    private final MarathonClient.Endpoints endpoints;
    private final MeterRegistry metrics;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Thread> readers = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition signal = lock.newCondition();
    private final Map<String, Long> lastEvent = new ConcurrentHashMap<>();
    /** Per deployment: {@code deployment_success} or {@code deployment_failed}, once Marathon announced its end. */
    private final Map<String, String> ends = new ConcurrentHashMap<>();
    private final Retrier reconnect;
    private final Set<String> environments;
    private volatile boolean stopped;

    MarathonEventStream(MarathonClient.Endpoints endpoints, ApplierConfig config, MeterRegistry metrics) {
        this.endpoints = endpoints;
        this.metrics = metrics;
        this.environments = new LinkedHashSet<>(config.environments().keySet());
        this.environments.add("default");
        this.reconnect = Retrier.of(RECONNECT).named("Marathon event stream")
                .retryOn(e -> !(e instanceof Stopped) && !(e instanceof InterruptedException))
                .onFailedAttempt(attempt -> Log.debugf("%s; reconnecting", attempt.describe()))
                .build();
    }

    /**
     * Opens every configured environment's stream when the service starts, so that the first deployment's events are
     * not missed while its stream is still connecting.
     */
    void onStart(@Observes StartupEvent event) {
        environments.forEach(environment -> readers.computeIfAbsent(environment, this::startReader));
    }

    /**
     * Waits at most {@code max} for an event about {@code deploymentId} in {@code environment}'s Marathon beyond the
     * {@code seen} events the caller already had (starting the environment's stream on first use). Returns the number
     * of events about that deployment so far: larger than {@code seen} when an event woke the caller.
     */
    public long awaitHint(String environment, String deploymentId, long seen, Duration max) {
        readers.computeIfAbsent(environment, this::startReader);
        long deadline = System.nanoTime() + max.toNanos();
        lock.lock();
        try {
            while (true) {
                long now = lastEvent.getOrDefault(deploymentId, 0L);
                long left = deadline - System.nanoTime();
                if (now > seen || left <= 0) {
                    return now;
                }
                signal.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return seen;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether Marathon's stream announced that {@code deploymentId} failed ({@code deployment_failed}: its deadline
     * passed, it was cancelled or superseded). A hint like the others: false says nothing.
     */
    public boolean reportedFailed(String deploymentId) {
        return "deployment_failed".equals(ends.get(deploymentId));
    }

    /** Whether Marathon's stream announced that {@code deploymentId} succeeded ({@code deployment_success}). */
    public boolean reportedSucceeded(String deploymentId) {
        return "deployment_success".equals(ends.get(deploymentId));
    }

    /** Drops what was seen about {@code deploymentId}: its follower is done with it. */
    public void forget(String deploymentId) {
        lastEvent.remove(deploymentId);
        ends.remove(deploymentId);
    }

    private Thread startReader(String environment) {
        Thread reader = new Thread(() -> read(environment), "marathon-events-" + environment);
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    private void read(String environment) {
        while (!stopped) {
            HttpResponse<Stream<String>> response;
            try {
                response = reconnect.call(() -> connect(environment));
            } catch (RuntimeException e) {
                if (stopped || Thread.currentThread().isInterrupted()) {
                    return;
                }
                Log.debugf("Marathon event stream of %s: %s", environment, e.getMessage());
                continue;
            }
            metrics.counter("quayside.marathon.events.connects", "environment", environment).increment();
            try (Stream<String> lines = response.body()) {
                lines.forEach(line -> {
                    if (line.startsWith("data:")) {
                        handle(environment, line.substring(5).trim());
                    }
                });
            } catch (RuntimeException e) {
                Log.debugf("Marathon event stream of %s dropped (%s); reconnecting", environment, e);
            }
        }
    }

    /** Opens the stream; an error or a non-200 answer is retried by {@link #reconnect} with back-off. */
    private HttpResponse<Stream<String>> connect(String environment) throws IOException, InterruptedException {
        if (stopped) {
            throw new Stopped();
        }
        MarathonClient.Endpoints.Resolved resolved = endpoints.resolve(environment);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(resolved.marathonUrl() + "/v2/events?" + EVENT_TYPES))
                .header("Accept", "text/event-stream");
        resolved.authFilter().header().ifPresent(h -> request.header("Authorization", h));
        HttpResponse<Stream<String>> response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException("Marathon of " + environment + " answered /v2/events with HTTP "
                    + response.statusCode());
        }
        return response;
    }

    /** The service is stopping: no more reconnects. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super("stopping");
        }
    }

    private void handle(String environment, String data) {
        try {
            JsonNode event = EventCodec.mapper().readTree(data);
            String id = event.path("plan").path("id").asText(event.path("id").asText(null));
            if (id == null) {
                return;
            }
            String type = event.path("eventType").asText("unknown");
            metrics.counter("quayside.marathon.events", "environment", environment, "type", type).increment();
            if (type.equals("deployment_success") || type.equals("deployment_failed")) {
                ends.put(id, type);
            }
            lastEvent.merge(id, 1L, Long::sum);
            lock.lock();
            try {
                signal.signalAll();
            } finally {
                lock.unlock();
            }
        } catch (IOException e) {
            Log.debugf("unreadable Marathon event: %s", data);
        }
    }

    @PreDestroy
    void stop() {
        stopped = true;
        readers.values().forEach(Thread::interrupt);
    }
}
