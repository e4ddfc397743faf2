package dev.quayside.kit.it;

import dev.quayside.events.EventEnvelope;
import dev.quayside.events.IncomingEvent;
import dev.quayside.events.kafka.EventDeserializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Every record of the given topics, read from the beginning by a background consumer; and a raw producer. */
final class Records implements AutoCloseable {

    private final List<ConsumerRecord<String, byte[]>> received = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile boolean reading = true;
    private final String bootstrap;

    Records(String bootstrap, List<String> topics) {
        this.bootstrap = bootstrap;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "kit-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        reader = new Thread(() -> {
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer.subscribe(topics);
                while (reading) {
                    consumer.poll(Duration.ofMillis(100)).forEach(received::add);
                }
            }
        }, "kit-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** The decoded events on {@code topic} of the chain {@code chainId}. */
    List<EventEnvelope<?>> events(String topic, String chainId) {
        EventDeserializer deserializer = new EventDeserializer();
        return received.stream().filter(r -> r.topic().equals(topic))
                .map(r -> deserializer.deserialize(r.topic(), r.headers(), r.value()))
                .filter(e -> !e.isMalformed()).<EventEnvelope<?>>map(IncomingEvent::envelope)
                .filter(e -> chainId.equals(e.chainId())).toList();
    }

    /**
     * The decoded events of the chain {@code chainId} that the broker holds on {@code topic} right now, read directly up
     * to the partitions' end offsets (not through the background reader, which may lag).
     */
    List<EventEnvelope<?>> readNow(String topic, String chainId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<EventEnvelope<?>> found = new java.util.ArrayList<>();
        try (KafkaConsumer<String, IncomingEvent> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new EventDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> {
                    if (!r.value().isMalformed() && chainId.equals(r.value().envelope().chainId())) {
                        found.add(r.value().envelope());
                    }
                });
            }
        }
        return found;
    }

    /** The records on {@code topic} with key {@code key}. */
    List<ConsumerRecord<String, byte[]>> withKey(String topic, String key) {
        return received.stream().filter(r -> r.topic().equals(topic) && key.equals(r.key())).toList();
    }

    static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Sends raw bytes. */
    void sendRaw(String topic, String key, byte[] value) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    /** Sends an event as the services do (CloudEvents binary mode). */
    void send(EventEnvelope<?> event) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, EventEnvelope<?>> producer = new KafkaProducer<>(props, new StringSerializer(),
                new dev.quayside.events.kafka.EventSerializer())) {
            producer.send(new ProducerRecord<>(event.topic(), event.key(), event)).get();
        }
    }

    @Override
    public void close() throws InterruptedException {
        reading = false;
        reader.join(5000);
    }
}
