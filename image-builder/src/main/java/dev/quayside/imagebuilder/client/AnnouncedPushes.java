package dev.quayside.imagebuilder.client;

import dev.quayside.events.BuildOutcome;
import dev.quayside.events.EventCodec;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.MalformedEventException;
import dev.quayside.kit.kafka.CompactedTopicMap;
import dev.quayside.kit.kafka.CompactedTopicMaps;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * image-builder's durable memory of the pushes whose outcome it announced, kept in a compacted Kafka topic
 * ({@link CompactedTopicMap}) that every instance reads back: after a restart, and on the instance a partition moved
 * to, a redelivered {@code CommitPushed} is known as announced. One record per push, keyed (and partitioned) by the
 * {@code CommitPushed} event's id: {@code BUILD_FINISHED <id> <outcome>} once the build's end is published, and before
 * that, from the moment its image is about to be announced, {@code PENDING <outcome> <ImageBuilt event as JSON>}: written
 * (and acknowledged) <em>before</em> the {@code ImageBuilt} is published, so an instance killed between publishing it
 * and recording its end leaves the decision behind, and the redelivery announces the same events again (the same ids)
 * instead of deciding anew (it could decide {@code superseded} once a newer commit was announced: two ends for one
 * chain). An entry expires after the retention (tombstoned, then compacted away).
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

    private static final String PENDING = "PENDING ";

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

    /**
     * Records, before {@code imageBuilt} is published, that it is about to be and that the build ends with
     * {@code outcome}; returns once Kafka acknowledged it and this instance read it back.
     *
     * @throws dev.quayside.kit.kafka.CompactedTopicUnavailableException when Kafka does not take it in time
     */
    public void recordPending(String pushEventId, BuildOutcome outcome, EventEnvelope<ImageBuilt> imageBuilt) {
        map.putAndAwait(pushEventId, pushEventId, PENDING + outcome.wire() + " "
                + new String(EventCodec.toJson(imageBuilt), StandardCharsets.UTF_8));
    }

    /**
     * An announcement cut short: the {@code ImageBuilt} (perhaps published) and the outcome the build ends with.
     *
     * @param outcome    how the build ends ({@code success} or {@code skipped})
     * @param imageBuilt the event exactly as it was (to be) published: its id, time and chain
     */
    public record Pending(BuildOutcome outcome, EventEnvelope<ImageBuilt> imageBuilt) {
    }

    /** The pending announcement {@code recorded} (a value of {@link #announced}) holds, or empty when it is an end. */
    @SuppressWarnings("unchecked")
    public static Optional<Pending> pending(String recorded) {
        if (!recorded.startsWith(PENDING)) {
            return Optional.empty();
        }
        int space = recorded.indexOf(' ', PENDING.length());
        String wire = recorded.substring(PENDING.length(), space);
        BuildOutcome outcome = Arrays.stream(BuildOutcome.values()).filter(o -> o.wire().equals(wire)).findFirst()
                .orElseThrow(() -> new MalformedEventException("a pending announcement names no outcome: " + wire));
        EventEnvelope<?> event = EventCodec.fromJson(recorded.substring(space + 1).getBytes(StandardCharsets.UTF_8));
        if (!(event.data() instanceof ImageBuilt)) {
            throw new MalformedEventException("a pending announcement holds " + event.type() + ", not ImageBuilt");
        }
        return Optional.of(new Pending(outcome, (EventEnvelope<ImageBuilt>) event));
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
