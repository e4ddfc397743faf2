package dev.quayside.marathonapplier.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.quayside.events.EventCodec;
import dev.quayside.kit.kafka.CompactedTopicMap;
import dev.quayside.kit.kafka.CompactedTopicMaps;
import io.quarkus.logging.Log;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * marathon-applier's durable memory, per Consul key, of the definition it last handled and how that ended, kept in a
 * compacted Kafka topic ({@link CompactedTopicMap}) that every instance reads back: after a restart, and on every other
 * instance, a definition that was rolled back is still known as such. One record per key, keyed (and partitioned) by
 * the Consul key: {@code {"sha256": "<SHA-256 of the definition's compact JSON>", "outcome": "handled"|"rolled-back"}};
 * a tombstone forgets the key. A record that cannot be read is logged and ignored.
 */
public class DefinitionLedger implements AutoCloseable {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** How a handled definition ended, as far as the drift pass cares. */
    public enum Outcome {
        /** Brought by a sync (or the lost-sync backstop) and applied, or found in KV at start. */
        HANDLED("handled"),
        /** Failed and rolled back: self-heal never re-applies it. */
        ROLLED_BACK("rolled-back");

        private final String wire;

        Outcome(String wire) {
            this.wire = wire;
        }

        static Optional<Outcome> of(String wire) {
            for (Outcome outcome : values()) {
                if (outcome.wire.equals(wire)) {
                    return Optional.of(outcome);
                }
            }
            return Optional.empty();
        }
    }

    /** What is recorded for a key: which definition (by content) and how it ended. */
    public record Mark(String sha256, Outcome outcome) {
    }

    /**
     * How the ledger is kept.
     *
     * @param topic             the compacted topic
     * @param partitions        its partitions when marathon-applier creates it
     * @param replicationFactor its replication factor when marathon-applier creates it
     * @param timeout           the longest wait for Kafka of one write
     */
    public record Settings(String topic, int partitions, short replicationFactor, Duration timeout) {
    }

    private final CompactedTopicMap map;
    private final Map<String, Mark> marks = new ConcurrentHashMap<>();

    public DefinitionLedger(CompactedTopicMaps maps, Settings settings) {
        this.map = maps.open(CompactedTopicMap.Options.of(settings.topic())
                .withPartitions(settings.partitions(), settings.replicationFactor())
                .withTimeout(settings.timeout()), this::applied);
    }

    /** The content address of a definition: SHA-256 (hex) of its compact JSON. */
    public static String sha256(JsonNode definition) {
        try {
            byte[] compact = EventCodec.mapper().writeValueAsBytes(definition);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(compact));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash a definition", e);
        }
    }

    /** What is recorded for {@code key}, as read from the topic. */
    public Optional<Mark> get(String key) {
        return Optional.ofNullable(marks.get(key));
    }

    /**
     * Records {@code mark} for {@code key}; returns once Kafka acknowledged it and this instance read it back.
     *
     * @throws dev.quayside.kit.kafka.CompactedTopicUnavailableException when Kafka does not take it in time
     */
    public void put(String key, Mark mark) {
        String value = JsonNodeFactory.instance.objectNode().put("sha256", mark.sha256())
                .put("outcome", mark.outcome().wire).toString();
        map.putAndAwait(key, key, value);
    }

    /** Forgets {@code key} (a tombstone). */
    public void forget(String key) {
        map.putAndAwait(key, key, null);
    }

    /** True once the topic has been read to its end as of start. */
    public boolean isCaughtUp() {
        return map.isCaughtUp();
    }

    public CompactedTopicMap.Health health() {
        return map.health();
    }

    public String topic() {
        return map.topic();
    }

    @Override
    public void close() {
        map.close();
    }

    /** The reader's view of each record, in log order: a record that cannot be read leaves the key as it was. */
    private void applied(String key, CompactedTopicMap.Entry entry) {
        if (entry == null) {
            marks.remove(key);
            return;
        }
        parse(entry.value()).ifPresentOrElse(mark -> marks.put(key, mark), () -> Log.warnf(
                "%s: ignoring the unreadable record of %s: %s", map.topic(), key, abbreviated(entry.value())));
    }

    static Optional<Mark> parse(String value) {
        try {
            JsonNode node = EventCodec.mapper().readTree(value);
            String sha = node == null || !node.path("sha256").isTextual() ? "" : node.path("sha256").asText();
            if (!SHA256.matcher(sha).matches()) {
                return Optional.empty();
            }
            return Outcome.of(node.path("outcome").asText("")).map(outcome -> new Mark(sha, outcome));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String abbreviated(String value) {
        return value.length() <= 200 ? value : value.substring(0, 200) + "…";
    }
}
