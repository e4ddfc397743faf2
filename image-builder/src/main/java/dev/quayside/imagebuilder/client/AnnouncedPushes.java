package dev.quayside.imagebuilder.client;

import dev.quayside.kit.kafka.CompactedTopicMap;
import dev.quayside.kit.kafka.CompactedTopicMaps;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * image-builder's durable memory of the pushes whose outcome it announced, kept in a compacted Kafka topic
 * ({@link CompactedTopicMap}) that every instance reads back: after a restart, and on the instance a partition moved
 * to, a redelivered {@code CommitPushed} is known as announced. One record per push, keyed (and partitioned) by the
 * {@code CommitPushed} event's id: {@code <event type> <event id>[ <outcome>]} of the last outcome event published for
 * it ({@code IMAGE_BUILT <id>}, then {@code BUILD_FINISHED <id> <outcome>}). An entry expires after the retention
 * (tombstoned, then compacted away).
 */
public class AnnouncedPushes implements AutoCloseable {

    /**
     * How the memory is kept.
     *
     * @param topic             the compacted topic
     * @param partitions        its partitions when image-builder creates it
     * @param replicationFactor its replication factor when image-builder creates it
     * @param timeout           the longest wait for Kafka of one write
     * @param retention         how long a push is remembered
     */
    public record Settings(String topic, int partitions, short replicationFactor, Duration timeout,
            Duration retention) {
    }

    private final CompactedTopicMap map;

    public AnnouncedPushes(CompactedTopicMaps maps, Settings settings) {
        Duration sweep = settings.retention().dividedBy(100).compareTo(Duration.ofMinutes(10)) < 0
                ? settings.retention().dividedBy(100) : Duration.ofMinutes(10);
        this.map = maps.open(CompactedTopicMap.Options.of(settings.topic())
                .withPartitions(settings.partitions(), settings.replicationFactor())
                .withTimeout(settings.timeout())
                .withRetention(key -> settings.retention(), sweep), null);
    }

    /** What was announced for the push {@code pushEventId}, as read from the topic (this or another instance's). */
    public Optional<String> announced(String pushEventId) {
        return map.value(pushEventId);
    }

    /**
     * Records that {@code outcome} was announced for the push {@code pushEventId}; returns once Kafka acknowledged it
     * and this instance read it back.
     *
     * @throws dev.quayside.kit.kafka.CompactedTopicUnavailableException when Kafka does not take it in time
     */
    public void record(String pushEventId, String outcome) {
        map.putAndAwait(pushEventId, pushEventId, outcome);
    }

    /** True once the topic has been read to its end as of start. */
    public boolean isCaughtUp() {
        return map.isCaughtUp();
    }

    /** Completes once the topic has been read to its end as of start. */
    public CompletionStage<Void> whenCaughtUp() {
        return map.whenCaughtUp();
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
}
