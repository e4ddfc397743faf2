package dev.quayside.imagebuilder.support;

import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildQueued;
import dev.quayside.events.BuildStarted;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.IncomingEvent;
import dev.quayside.events.PipelineEvent;
import dev.quayside.events.Topics;
import dev.quayside.events.kafka.EventDeserializer;
import dev.quayside.events.kafka.EventSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The test's side of the real broker: sends {@code commit-pushed} events (and raw records), and records everything
 * the service writes to {@code builds}, {@code image-built}, {@code build-logs} and its dead-letter topic.
 */
public final class KafkaProbe implements AutoCloseable {

    public static final String DLQ = Topics.deadLetter("image-builder");

    /** One record the service wrote. */
    public record Received(String topic, String key, byte[] value, IncomingEvent event) {

        public String text() {
            return new String(value, StandardCharsets.UTF_8);
        }
    }

    private final KafkaProducer<String, EventEnvelope<?>> events;
    private final KafkaProducer<String, byte[]> raw;
    private final Admin admin;
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Thread poller;
    private volatile boolean running = true;

    public KafkaProbe(String bootstrapServers) {
        Properties producer = new Properties();
        producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        events = new KafkaProducer<>(producer, new StringSerializer(), new EventSerializer());
        admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        raw = new KafkaProducer<>(producer, new StringSerializer(), new ByteArraySerializer());
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "image-builder-test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.BUILDS, Topics.IMAGE_BUILT, Topics.BUILD_LOGS, DLQ));
        EventDeserializer deserializer = new EventDeserializer();
        poller = new Thread(() -> {
            try {
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        IncomingEvent event = r.topic().equals(Topics.BUILDS) || r.topic().equals(Topics.IMAGE_BUILT)
                                ? deserializer.deserialize(r.topic(), r.headers(), r.value()) : null;
                        received.add(new Received(r.topic(), r.key(), r.value(), event));
                    }
                }
            } catch (WakeupException e) {
                // closing
            } finally {
                consumer.close();
            }
        }, "kafka-probe");
        poller.setDaemon(true);
        poller.start();
    }

    public void send(EventEnvelope<CommitPushed> event) {
        try {
            events.send(new ProducerRecord<>(Topics.COMMIT_PUSHED, event.key(), event)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends {@code event} and returns where it landed (a second send of the same envelope is a redelivery). */
    public RecordMetadata sendAt(EventEnvelope<CommitPushed> event) {
        try {
            return events.send(new ProducerRecord<>(Topics.COMMIT_PUSHED, event.key(), event)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The offset image-builder's consumer group committed on {@code partition} of the commit-pushed topic, or -1 (none
     * yet, or the broker did not say within 5 s: ask again).
     */
    public long committed(int partition) {
        try {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets("image-builder").partitionsToOffsetAndMetadata()
                    .get(5, TimeUnit.SECONDS).get(new TopicPartition(Topics.COMMIT_PUSHED, partition));
            return offset == null ? -1 : offset.offset();
        } catch (TimeoutException | ExecutionException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public void sendRaw(String key, byte[] value) {
        try {
            raw.send(new ProducerRecord<>(Topics.COMMIT_PUSHED, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Every decoded event of {@code type} the service published. */
    public <T extends PipelineEvent> List<EventEnvelope<T>> events(Class<T> type) {
        return received.stream().filter(r -> r.event() != null && r.event().is(type))
                .map(r -> r.event().require(type)).collect(Collectors.toList());
    }

    public List<EventEnvelope<BuildQueued>> queued(String repository) {
        return events(BuildQueued.class).stream().filter(e -> e.data().repository().equals(repository))
                .collect(Collectors.toList());
    }

    public List<EventEnvelope<BuildStarted>> started(String buildId) {
        return events(BuildStarted.class).stream().filter(e -> e.data().buildId().equals(buildId))
                .collect(Collectors.toList());
    }

    public List<BuildFinished> finished(String repository, String commit) {
        return events(BuildFinished.class).stream().map(EventEnvelope::data)
                .filter(f -> f.repository().equals(repository) && f.commit().equals(commit))
                .collect(Collectors.toList());
    }

    public List<EventEnvelope<ImageBuilt>> imagesBuilt(String repository, String commit) {
        return events(ImageBuilt.class).stream()
                .filter(e -> e.data().repository().equals(repository) && e.data().commit().equals(commit))
                .collect(Collectors.toList());
    }

    /** The build log lines streamed under {@code buildId}, in order. */
    public List<String> logLines(String buildId) {
        return received.stream().filter(r -> r.topic().equals(Topics.BUILD_LOGS) && buildId.equals(r.key()))
                .map(Received::text).collect(Collectors.toList());
    }

    public List<Received> deadLettered() {
        return received.stream().filter(r -> r.topic().equals(DLQ)).collect(Collectors.toList());
    }

    public Map<String, Long> countByTopic() {
        return received.stream().collect(Collectors.groupingBy(Received::topic, Collectors.counting()));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        poller.join(5000);
        events.close(Duration.ofSeconds(5));
        raw.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
