package dev.quayside.kit.health;

import dev.quayside.kit.kafka.ConsumerAssignments;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while every incoming Kafka channel's consumer owns its partitions: DOWN until the consumer has joined its
 * group and been assigned its share (an empty share counts: with more instances than partitions one owns none), and
 * DOWN again while a rebalance has revoked them and not yet assigned any. A service restarted while the broker still
 * holds its old member, or one scaled up into a busy group, thus answers "not ready" until it can work, instead of
 * waiting unseen. One entry per channel, saying what it owns or what it waits for. Channels a service disables
 * ({@code mp.messaging.incoming.<channel>.enabled=false}) have no consumer and are not counted; a channel with a
 * rebalance listener of its own ({@code consumer-rebalance-listener.name}) is named as not checked.
 */
@Readiness
@ApplicationScoped
public class ConsumerAssignmentReadiness implements HealthCheck {

    static final String NAME = "kafka-consumer-assignments";

    private final KafkaClientService kafka;
    private final ConsumerAssignments assignments;
    private final Config config;

    @Inject
    ConsumerAssignmentReadiness(KafkaClientService kafka,
            @Identifier(ConsumerAssignments.NAME) ConsumerAssignments assignments, Config config) {
        this.kafka = kafka;
        this.assignments = assignments;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).up();
        for (String channel : new TreeSet<>(kafka.getConsumerChannels())) {
            Optional<String> listener = config.getOptionalValue(
                    "mp.messaging.incoming." + channel + ".consumer-rebalance-listener.name", String.class);
            if (listener.isPresent() && !listener.get().equals(ConsumerAssignments.NAME)) {
                response.withData(channel, "not checked: the channel has its own rebalance listener " + listener.get());
                continue;
            }
            List<KafkaConsumer<Object, Object>> consumers = kafka.getConsumers(channel);
            StringBuilder answer = new StringBuilder();
            for (KafkaConsumer<Object, Object> consumer : consumers) {
                ConsumerAssignments.Ownership ownership = assignments.of(consumer.unwrap());
                if (!ownership.assigned()) {
                    response.down();
                }
                answer.append(answer.isEmpty() ? "" : "; ").append(describe(consumer, ownership));
            }
            response.withData(channel, answer.toString());
        }
        return response.build();
    }

    private static String describe(KafkaConsumer<?, ?> consumer, ConsumerAssignments.Ownership ownership) {
        Object group = consumer.configuration().get(ConsumerConfig.GROUP_ID_CONFIG);
        return switch (ownership.stage()) {
            case JOINING -> "joining group " + group;
            case REBALANCING -> "rebalancing in group " + group;
            case ASSIGNED -> ownership.partitions().isEmpty()
                    ? "assigned no partition in group " + group + " (other members own them all)"
                    : "owns " + ownership.partitions().stream().map(String::valueOf)
                            .collect(Collectors.joining(", "));
        };
    }
}
