package dev.quayside.notifier.client;

import dev.quayside.kit.kafka.CompactedTopicMap;
import dev.quayside.kit.kafka.CompactedTopicMaps;
import dev.quayside.kit.kafka.CompactedTopicUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The durable "already handled" record, kept in the kit's {@link CompactedTopicMap}: one record per (event id, channel),
 * key {@code <eventId>|<channel>}, value the state ({@code sent} or {@code folded}) and when. Every instance reads the
 * topic back (and keeps following it), so a redelivered event does not notify twice across restarts or instances; a
 * key expires after the retention (tombstoned by the map's sweep). The map's clients use the service's {@code kafka.*}
 * client properties (SASL/SCRAM and TLS included).
 *
 * <p>The log also keeps the notifier's <b>baseline</b> under the reserved key {@value #BASELINE_KEY} (value
 * {@code baseline <instant>}), which never expires: the time from which events are notified. The first load that finds
 * none records the current time, so a first install does not post the topics' history while a restart (or another
 * instance) keeps the recorded one and skips nothing new. The record is written again at every load and by
 * {@link #refreshBaseline}, so a topic created with time-based retention ({@code compact,delete}, as before 0.2) never
 * loses it either.
 */
public final class KafkaSentLog implements AutoCloseable {

    public static final String SENT = "sent";
    public static final String FOLDED = "folded";
    private static final String CLAIMED = "claimed";
    /** The reserved key of the baseline record; no delivery key ({@code <eventId>|<channel>}) ends with the bar. */
    public static final String BASELINE_KEY = "baseline|";
    private static final String BASELINE = "baseline";

    private final CompactedTopicMap map;
    private final String bootstrapServers;
    /** This instance's claims in flight, and its records until the map has read them back. */
    private final Map<String, String> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> loaded = new CompletableFuture<>();
    private volatile Instant baseline;
    private volatile int lastLoadCount;

    /**
     * @param maps the kit's maps, opened with the service's Kafka client properties (every {@code kafka.*} key)
     */
    public KafkaSentLog(CompactedTopicMaps maps, String bootstrapServers, String topic, Duration retention) {
        this.bootstrapServers = bootstrapServers;
        this.map = maps.open(CompactedTopicMap.Options.of(topic)
                .withRetention(key -> BASELINE_KEY.equals(key) ? null : retention, sweepInterval(retention))
                .withClientId("notifier-sent-log"), this::applied);
    }

    /**
     * @param kafka the service's Kafka client properties (Quarkus' {@code default-kafka-broker} map: every
     *              {@code kafka.*} key, e.g. {@code bootstrap.servers}, {@code security.protocol},
     *              {@code sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.*}); every client of the log uses them
     */
    public KafkaSentLog(Map<String, ?> kafka, String topic, Duration retention) {
        this(CompactedTopicMaps.of(kafka), String.valueOf(kafka.get("bootstrap.servers")), topic, retention);
    }

    /** A log on a broker that needs {@code bootstrap.servers} alone. */
    public KafkaSentLog(String bootstrapServers, String topic, Duration retention) {
        this(Map.of("bootstrap.servers", bootstrapServers), topic, retention);
    }

    /** The key of one delivery. */
    public static String key(String eventId, String channel) {
        return eventId + "|" + channel;
    }

    /** A tenth of the retention, between 100 ms and 10 min: how often expired keys are tombstoned. */
    static Duration sweepInterval(Duration retention) {
        long tenth = retention.toMillis() / 10;
        return Duration.ofMillis(Math.max(100, Math.min(tenth, TimeUnit.MINUTES.toMillis(10))));
    }

    /**
     * Waits until the topic (created compacted when missing) is read to its end, then records the baseline (the
     * current time when none was recorded, the recorded one again otherwise) and waits for the broker's ack. A failure
     * (Kafka not reachable) throws and leaves the log unloaded, so the caller may try again.
     */
    public void load(Duration timeout) {
        if (isLoaded()) {
            return;
        }
        try {
            map.whenCaughtUp().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Optional<Instant> recorded = map.value(BASELINE_KEY).map(KafkaSentLog::baselineOf);
            lastLoadCount = map.size() - (map.get(BASELINE_KEY).isPresent() ? 1 : 0);
            Instant from = recorded.orElseGet(Instant::now);
            writeBaseline(from).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            baseline = from;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + map.topic(), e);
        } catch (ExecutionException | TimeoutException | CompactedTopicUnavailableException e) {
            String problem = map.health().problem().orElse(e.getCause() != null ? e.getCause().toString()
                    : e.toString());
            throw new IllegalStateException("could not read " + map.topic() + " on " + bootstrapServers
                    + " within " + timeout + ": " + problem, e);
        }
        loaded.complete(null);
    }

    /** How many delivery keys the log held when {@link #load} ended (the baseline not counted). */
    public int loadedRecords() {
        return lastLoadCount;
    }

    /** Completes when the log has been read back and the baseline recorded. */
    public CompletionStage<Void> whenLoaded() {
        return loaded;
    }

    public boolean isLoaded() {
        return loaded.isDone();
    }

    /** The map's health, not ready before {@link #load} has recorded the baseline. */
    public CompactedTopicMap.Health health() {
        CompactedTopicMap.Health health = map.health();
        if (health.caughtUp() && !isLoaded()) {
            return new CompactedTopicMap.Health(false, health.reachable(), Optional.of("baseline not recorded yet"));
        }
        return health;
    }

    public String topic() {
        return map.topic();
    }

    /** The time from which events are notified, once the log has been loaded. */
    public Optional<Instant> baseline() {
        return Optional.ofNullable(baseline);
    }

    /** Writes the baseline record again (keeps it younger than a time-based retention); completes on the ack. */
    public CompletionStage<Void> refreshBaseline() {
        if (baseline == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(map.topic() + " is not loaded yet"));
        }
        return writeBaseline(baseline);
    }

    /** Takes {@code key} for one delivery attempt: false when it was already sent, folded or is being delivered. */
    public boolean claim(String key) {
        if (map.value(key).isPresent() || pending.putIfAbsent(key, CLAIMED) != null) {
            return false;
        }
        if (map.value(key).isPresent()) { // recorded (and read back) between the two looks
            pending.remove(key, CLAIMED);
            return false;
        }
        return true;
    }

    /** Gives a claimed key back after a failed delivery, so a replay from the dead-letter topic may try again. */
    public void release(String key) {
        pending.remove(key, CLAIMED);
    }

    /** The recorded state of {@code key}: sent, folded, claimed, or empty. */
    public Optional<String> state(String key) {
        String own = pending.get(key);
        return own != null ? Optional.of(own) : map.value(key).map(KafkaSentLog::stateOf);
    }

    /** Makes {@code key} durable with {@code state}; completes when the broker has it. */
    public CompletionStage<Void> record(String key, String state) {
        pending.put(key, state);
        return map.put(key, key, state + " " + Instant.now()).thenApply(written -> null);
    }

    /** Keys held (the baseline included). */
    public int size() {
        return map.size();
    }

    @Override
    public void close() {
        map.close();
    }

    private CompletableFuture<Void> writeBaseline(Instant from) {
        return map.put(BASELINE_KEY, BASELINE_KEY, BASELINE + " " + from).thenApply(written -> null);
    }

    /** Once the map holds a record of ours, the pending copy is dropped (a claim in flight stays). */
    private void applied(String key, CompactedTopicMap.Entry entry) {
        if (entry != null) {
            pending.computeIfPresent(key, (k, state) -> CLAIMED.equals(state) ? state : null);
        }
    }

    private static String stateOf(String value) {
        int space = value.indexOf(' ');
        return space < 0 ? value : value.substring(0, space);
    }

    private static Instant baselineOf(String value) {
        try {
            return Instant.parse(value.substring(value.indexOf(' ') + 1).trim());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
