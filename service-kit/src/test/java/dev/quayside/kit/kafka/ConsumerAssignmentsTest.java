package dev.quayside.kit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.kit.kafka.ConsumerAssignments.Stage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * What a consumer owns as its rebalance callbacks tell it, for both rebalance protocols (the eager one revokes
 * everything first; the cooperative one assigns and revokes only the difference). The consumers are real clients that
 * never connect (the listener only tells them apart).
 */
class ConsumerAssignmentsTest {

    private static final TopicPartition P0 = new TopicPartition("quayside.commit-pushed", 0);
    private static final TopicPartition P1 = new TopicPartition("quayside.commit-pushed", 1);

    private final ConsumerAssignments assignments = new ConsumerAssignments();

    @Test
    void aConsumerNoRebalanceReachedIsJoiningAndSoIsOneTheConnectorHasNotCreated() {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            assertThat(assignments.of(consumer).stage()).isEqualTo(Stage.JOINING);
            assertThat(assignments.of(null).stage()).isEqualTo(Stage.JOINING);
            // a revocation before any assignment (the eager protocol's first join) leaves it joining
            assignments.onPartitionsRevoked(consumer, List.of());
            assertThat(assignments.of(consumer).stage()).isEqualTo(Stage.JOINING);
        }
    }

    @Test
    void eagerRebalancesRevokeAllThenAssignAnEmptyShareCountsAsAssigned() {
        try (KafkaConsumer<String, String> consumer = consumer(); KafkaConsumer<String, String> other = consumer()) {
            assignments.onPartitionsAssigned(consumer, List.of(P0, P1));
            assertThat(assignments.of(consumer)).isEqualTo(new ConsumerAssignments.Ownership(Stage.ASSIGNED,
                    Set.of(P0, P1)));
            assertThat(assignments.of(other).stage()).as("each consumer on its own").isEqualTo(Stage.JOINING);

            assignments.onPartitionsRevoked(consumer, List.of(P0, P1));
            assertThat(assignments.of(consumer).stage()).isEqualTo(Stage.REBALANCING);
            assertThat(assignments.of(consumer).partitions()).isEmpty();

            assignments.onPartitionsAssigned(consumer, List.of());
            assertThat(assignments.of(consumer).assigned()).isTrue();
            assertThat(assignments.of(consumer).partitions()).isEmpty();
        }
    }

    @Test
    void cooperativeRebalancesAddAndRemoveOnlyTheDifferenceAndALossIsARevocation() {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            assignments.onPartitionsAssigned(consumer, List.of(P0));
            assignments.onPartitionsAssigned(consumer, List.of(P1));
            assertThat(assignments.of(consumer).partitions()).containsExactly(P0, P1);

            assignments.onPartitionsRevoked(consumer, List.of(P1));
            assertThat(assignments.of(consumer).stage()).isEqualTo(Stage.REBALANCING);
            assertThat(assignments.of(consumer).partitions()).containsExactly(P0);
            assignments.onPartitionsAssigned(consumer, List.of());
            assertThat(assignments.of(consumer)).isEqualTo(new ConsumerAssignments.Ownership(Stage.ASSIGNED,
                    Set.of(P0)));

            assignments.onPartitionsLost(consumer, List.of(P0));
            assertThat(assignments.of(consumer).stage()).isEqualTo(Stage.REBALANCING);
            assertThat(assignments.of(consumer).partitions()).isEmpty();
        }
    }

    private static KafkaConsumer<String, String> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9",
                ConsumerConfig.GROUP_ID_CONFIG, "kit-assignments-test",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()));
    }
}
