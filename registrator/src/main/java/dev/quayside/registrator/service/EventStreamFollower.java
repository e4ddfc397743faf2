package dev.quayside.registrator.service;

import dev.quayside.registrator.client.DockerEngineClient;
import dev.quayside.registrator.client.DockerEngineClient.ContainerEvent;
import dev.quayside.registrator.config.RegistratorConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Never blind: subscribes to the engine's container events first, then syncs; when the stream drops it reconnects with
 * exponential back-off, replaying from the last event it saw, and syncs again on every reconnect.
 */
@ApplicationScoped
public class EventStreamFollower {

    private static final Logger LOG = Logger.getLogger(EventStreamFollower.class);

    private final DockerEngineClient docker;
    private final Registrar registrar;
    private final RegistratorConfig config;
    private final Counter reconnects;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "registrator-event-stream");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger generation = new AtomicInteger();

    private volatile Closeable stream;
    private volatile boolean connected;
    private volatile boolean stopped;
    private volatile long lastEventSeconds;
    private volatile Duration backoff;
    private volatile Instant connectedSince;
    private volatile String lastError;

    EventStreamFollower(DockerEngineClient docker, Registrar registrar, RegistratorConfig config,
            MeterRegistry meters) {
        this.docker = docker;
        this.registrar = registrar;
        this.config = config;
        this.backoff = config.reconnectMin();
        this.reconnects = meters.counter("quayside.registrator.stream.reconnects");
        meters.gauge("quayside.registrator.stream.connected", this, f -> f.connected ? 1 : 0);
    }

    void onStart(@Observes StartupEvent event) {
        scheduler.execute(this::connect);
    }

    void onStop(@Observes ShutdownEvent event) {
        stopped = true;
        closeStream();
        scheduler.shutdownNow();
    }

    /** True while the event stream is open. */
    public boolean connected() {
        return connected;
    }

    /** When the current stream opened, or null. */
    public Instant connectedSince() {
        return connectedSince;
    }

    /** Why the stream last dropped or failed to open, or null. */
    public String lastError() {
        return lastError;
    }

    /** Drops the current stream on purpose (tests, operators): it reconnects and resyncs like after a daemon restart. */
    public void reconnect() {
        closeStream();
    }

    private void connect() {
        if (stopped) {
            return;
        }
        int current = generation.incrementAndGet();
        long since = lastEventSeconds > 0 ? lastEventSeconds : Instant.now().getEpochSecond() - 1;
        LOG.debugf("subscribing to %s events since %d", docker.host(), since);
        try {
            stream = docker.followEvents(since, new DockerEngineClient.EventListener() {
                @Override
                public void connected() {
                    if (current != generation.get()) {
                        return;
                    }
                    connected = true;
                    connectedSince = Instant.now();
                    backoff = config.reconnectMin();
                    LOG.infof("following container events of %s", docker.host());
                    syncUntilDone(current, config.reconnectMin());
                }

                @Override
                public void event(ContainerEvent event) {
                    if (current != generation.get()) {
                        return;
                    }
                    lastEventSeconds = Math.max(lastEventSeconds, event.timeNano() / 1_000_000_000L);
                    registrar.submit(event);
                }

                @Override
                public void dropped(Throwable cause) {
                    if (current != generation.get()) {
                        return;
                    }
                    dropAndRetry(cause);
                }
            });
        } catch (RuntimeException e) {
            dropAndRetry(e);
        }
    }

    /** Syncs after a (re)connect, again with back-off while it fails and the stream is still this one. */
    private void syncUntilDone(int current, Duration wait) {
        registrar.submitSync("connected").whenComplete((done, failure) -> {
            if (failure == null || current != generation.get() || stopped) {
                return;
            }
            Duration doubled = wait.multipliedBy(2);
            Duration next = doubled.compareTo(config.reconnectMax()) > 0 ? config.reconnectMax() : doubled;
            try {
                scheduler.schedule(() -> syncUntilDone(current, next), wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.debug("shutting down: no sync retry");
            }
        });
    }

    private void dropAndRetry(Throwable cause) {
        connected = false;
        connectedSince = null;
        if (stopped) {
            return;
        }
        generation.incrementAndGet();
        lastError = cause == null ? "the engine closed the event stream" : cause.toString();
        Duration wait = backoff;
        Duration doubled = wait.multipliedBy(2);
        backoff = doubled.compareTo(config.reconnectMax()) > 0 ? config.reconnectMax() : doubled;
        reconnects.increment();
        LOG.warnf("event stream of %s dropped (%s); reconnecting in %d ms", docker.host(), lastError,
                wait.toMillis());
        try {
            scheduler.schedule(this::connect, wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("shutting down: no reconnect");
        }
    }

    private void closeStream() {
        Closeable current = stream;
        if (current != null) {
            try {
                current.close();
            } catch (IOException | RuntimeException e) {
                LOG.debugf(e, "closing the event stream");
            }
        }
    }
}
