package dev.quayside.kit.health;

import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.kafka.KafkaBroker;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A consumer group on the real broker whose first member — a plain consumer, {@link #holder()} — joined before the
 * application starts and then stops polling. A member that does not poll does not rejoin, so every rebalance of the
 * group (the application's consumer joining, another member joining) waits for it: the test decides when a rebalance
 * completes by calling {@link #rejoin()}. The group's topic has two partitions; the application's channel
 * {@code kit-pushes} reads it in this group ({@link #GROUP}), the other channel in a group of its own.
 */
public class HeldGroup implements QuarkusTestResourceLifecycleManager {

    static final String TOPIC = "quayside.kit-readiness";
    static final String GROUP = "kit-readiness";

    private static KafkaConsumer<String, String> holder;
    private static String bootstrap;

    @Override
    public Map<String, String> start() {
        bootstrap = KafkaBroker.sharedBootstrapServers();
        KafkaBroker.createTopics(bootstrap, 2, List.of(TOPIC), Map.of());
        // "aa-" sorts first among the members' ids: the range assignor gives the holder a partition in every round
        holder = consumer("aa-holder");
        holder.subscribe(List.of(TOPIC));
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            holder.poll(Duration.ofMillis(100));
            return holder.assignment().size() == 2;
        });
        return Map.of("kafka.bootstrap.servers", bootstrap,
                "mp.messaging.connector.smallrye-kafka.bootstrap.servers", bootstrap,
                "mp.messaging.incoming.kit-pushes.topic", TOPIC,
                "mp.messaging.incoming.kit-pushes.group.id", GROUP,
                "mp.messaging.incoming.kit-images.group.id", "kit-readiness-images");
    }

    /** A new member of the group, named so that it sorts after the holder and before the application's consumer. */
    static KafkaConsumer<String, String> consumer(String clientId) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        // the broker waits this long for a member that does not rejoin: longer than any test step
        config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 300_000);
        return new KafkaConsumer<>(config);
    }

    /** The holder polls until the rebalance it held has completed (a new generation); returns what it owns then. */
    static Set<TopicPartition> rejoin() {
        int generation = holder.groupMetadata().generationId();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            holder.poll(Duration.ofMillis(100));
            return holder.groupMetadata().generationId() > generation;
        });
        return holder.assignment();
    }

    @Override
    public void stop() {
        if (holder != null) {
            holder.close();
            holder = null;
        }
    }
}
