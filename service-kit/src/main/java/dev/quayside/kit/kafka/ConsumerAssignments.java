package dev.quayside.kit.kafka;

import io.quarkus.arc.Unremovable;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.WeakHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * What each incoming channel's consumer owns in its group, as the broker last told it: the rebalance listener of every
 * Kafka channel (the kit's {@code mp.messaging.connector.smallrye-kafka.consumer-rebalance-listener.name}), so that
 * readiness can wait for the partitions ({@code ConsumerAssignmentReadiness}). A consumer has <em>joined</em> once a
 * rebalance assigned it its partitions — none is an answer too (more instances than partitions) — and stops owning
 * them when a rebalance revokes them (or they are lost), until the next assignment. Called on the consumers' polling
 * threads; read from anywhere.
 */
@ApplicationScoped
@Unremovable
@Identifier(ConsumerAssignments.NAME)
public class ConsumerAssignments implements KafkaConsumerRebalanceListener {

    /** The name channels find this listener by. */
    public static final String NAME = "quayside-assignments";

    /** Where a consumer stands in its group. */
    public enum Stage {
        /** No rebalance has assigned it anything yet. */
        JOINING,
        /** A rebalance revoked (or lost) its partitions and has not assigned it any since. */
        REBALANCING,
        /** A rebalance assigned it its partitions (possibly none). */
        ASSIGNED
    }

    /** A consumer's stage and the partitions it owns. */
    public record Ownership(Stage stage, Set<TopicPartition> partitions) {

        static final Ownership JOINING = new Ownership(Stage.JOINING, Set.of());

        /** Whether the consumer owns its share of the group's partitions (possibly none). */
        public boolean assigned() {
            return stage == Stage.ASSIGNED;
        }
    }

    /** Partitions by topic, then number, for stable answers. */
    private static final Comparator<TopicPartition> ORDER = Comparator.comparing(TopicPartition::topic)
            .thenComparingInt(TopicPartition::partition);

    /** By consumer identity; a closed and forgotten consumer drops out. */
    private final Map<Consumer<?, ?>, Ownership> consumers = Collections.synchronizedMap(new WeakHashMap<>());

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        consumers.compute(consumer, (c, was) -> {
            Set<TopicPartition> owned = new TreeSet<>(ORDER);
            if (was != null) {
                owned.addAll(was.partitions()); // the cooperative protocol assigns only what it adds
            }
            owned.addAll(partitions);
            return new Ownership(Stage.ASSIGNED, Collections.unmodifiableSet(owned));
        });
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        consumers.compute(consumer, (c, was) -> {
            Set<TopicPartition> owned = new TreeSet<>(ORDER);
            if (was != null) {
                owned.addAll(was.partitions());
            }
            owned.removeAll(partitions);
            return new Ownership(was == null || was.stage() == Stage.JOINING ? Stage.JOINING : Stage.REBALANCING,
                    Collections.unmodifiableSet(owned));
        });
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        onPartitionsRevoked(consumer, partitions);
    }

    /**
     * Where {@code consumer} stands: {@link Stage#JOINING} for one no rebalance has reached yet, or none yet (null: the
     * connector creates its client on first subscription).
     */
    public Ownership of(Consumer<?, ?> consumer) {
        Ownership ownership = consumer == null ? null : consumers.get(consumer);
        return ownership == null ? Ownership.JOINING : ownership;
    }
}
