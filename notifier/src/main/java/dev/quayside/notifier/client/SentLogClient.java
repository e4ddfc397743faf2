package dev.quayside.notifier.client;

import dev.quayside.kit.kafka.CompactedTopicMaps;
import dev.quayside.notifier.config.NotifierConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The notifier's {@link KafkaSentLog}, read back at startup. Events wait for it before they are handled. It also answers
 * the baseline: events older than it are not notified ({@code quayside.notifier.baseline}, else the one the log
 * recorded at the very first start), and keeps the recorded one from expiring with the topic's retention.
 */
@ApplicationScoped
public class SentLogClient {

    private static final Logger LOG = Logger.getLogger(SentLogClient.class);

    private final KafkaSentLog log;
    private final NotifierConfig config;
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "notifier-baseline-refresh");
        t.setDaemon(true);
        return t;
    });

    /** {@code kafka}: every {@code kafka.*} key of the service's configuration, as its channels use them. */
    SentLogClient(NotifierConfig config, CompactedTopicMaps maps,
            @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.config = config;
        this.log = new KafkaSentLog(maps, String.valueOf(kafka.get("bootstrap.servers")), config.sentLog().topic(),
                config.sentLog().retention());
    }

    void onStart(@Observes StartupEvent start) {
        Thread loader = new Thread(this::loadUntilDone, "notifier-sent-log-loader");
        loader.setDaemon(true);
        loader.start();
    }

    /** Reads the log back, retrying with back-off (at most 30 s apart) until Kafka answers; events wait meanwhile. */
    private void loadUntilDone() {
        long pauseMs = 1000;
        while (!log.isLoaded() && !Thread.currentThread().isInterrupted()) {
            try {
                log.load(config.sentLog().loadTimeout());
                LOG.infof("sent log %s read back: %d records, %d keys; notifying events from %s", config.sentLog().topic(),
                        log.loadedRecords(), log.size(), baseline());
                long every = Math.max(config.sentLog().retention().toMillis() / 4, 60_000);
                refresher.scheduleAtFixedRate(this::refreshBaseline, every, every, TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                LOG.errorf("sent log %s could not be read (retrying in %d s): %s", config.sentLog().topic(),
                        pauseMs / 1000, e.getMessage());
                try {
                    Thread.sleep(pauseMs);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
                pauseMs = Math.min(pauseMs * 2, 30_000);
            }
        }
    }

    private void refreshBaseline() {
        log.refreshBaseline().whenComplete((ok, error) -> {
            if (error != null) {
                LOG.warnf("baseline in %s not refreshed (next try later): %s", config.sentLog().topic(), error);
            }
        });
    }

    void onStop(@Observes ShutdownEvent stop) {
        refresher.shutdownNow();
        log.close();
    }

    /** Events whose time is before this are not notified; known once the log is loaded ({@link #whenLoaded}). */
    public Instant baseline() {
        return config.baseline().or(log::baseline)
                .orElseThrow(() -> new IllegalStateException("the sent log is not loaded yet"));
    }

    public KafkaSentLog log() {
        return log;
    }

    public CompletionStage<Void> whenLoaded() {
        return log.whenLoaded();
    }

    public boolean claim(String key) {
        return log.claim(key);
    }

    public void release(String key) {
        log.release(key);
    }

    public CompletionStage<Void> record(String key, String state) {
        return log.record(key, state);
    }
}
