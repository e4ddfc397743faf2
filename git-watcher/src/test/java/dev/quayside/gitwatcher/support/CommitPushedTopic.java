package dev.quayside.gitwatcher.support;

import dev.quayside.devstack.kafka.KafkaBroker;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.IncomingEvent;
import dev.quayside.events.Topics;
import dev.quayside.events.kafka.EventDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

/** Reads {@code quayside.commit-pushed} from the real broker, as a consumer team would. */
public final class CommitPushedTopic implements AutoCloseable {

    /** One record as received. */
    public record Received(String key, EventEnvelope<CommitPushed> event, String ceId, String ceType) {
    }

    private static CommitPushedTopic shared;

    private final KafkaConsumer<String, IncomingEvent> consumer;
    private final List<Received> received = new ArrayList<>();

    public CommitPushedTopic(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaBroker.createTopics(bootstrapServers, 1, List.of(Topics.COMMIT_PUSHED), java.util.Map.of());
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new EventDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            partitions.clear();
            consumer.listTopics(Duration.ofSeconds(5)).getOrDefault(Topics.COMMIT_PUSHED, List.of())
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            return !partitions.isEmpty();
        });
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** One reader per test JVM on the broker the application uses (closed when the JVM exits). */
    public static synchronized CommitPushedTopic shared() {
        if (shared == null) {
            shared = new CommitPushedTopic(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                    .getValue("kafka.bootstrap.servers", String.class));
            CommitPushedTopic topic = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(topic::close));
        }
        return shared;
    }

    /** Everything read so far, after reading what is there now. */
    public synchronized List<Received> poll() {
        for (int i = 0; i < 3; i++) {
            for (ConsumerRecord<String, IncomingEvent> record : consumer.poll(Duration.ofMillis(200))) {
                EventEnvelope<CommitPushed> event = record.value().require(CommitPushed.class);
                received.add(new Received(record.key(), event, header(record, "ce_id"), header(record, "ce_type")));
            }
        }
        return List.copyOf(received);
    }

    /** The events matching {@code filter}, waiting (up to 30 s) until there is at least one. */
    public List<Received> await(Predicate<CommitPushed> filter) {
        List<Received> found = new ArrayList<>();
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            found.clear();
            found.addAll(matching(filter));
            return !found.isEmpty();
        });
        return found;
    }

    /** The events matching {@code filter} among all read so far (reading what is there now). */
    public List<Received> matching(Predicate<CommitPushed> filter) {
        return poll().stream().filter(r -> filter.test(r.event().data())).collect(Collectors.toList());
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
