package dev.quayside.notifier.client;

import dev.quayside.kit.kafka.KafkaClientProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The durable "already handled" record: a compacted Kafka topic with one record per (event id, channel), key
 * {@code <eventId>|<channel>}, value the state ({@code sent} or {@code folded}) and when. It is read back in full at
 * startup, so a redelivered event does not notify twice across restarts; in between, lookups are in memory. Its admin
 * client, reader and writer connect with the service's {@code kafka.*} client properties (the kit's
 * {@link KafkaClientProperties}): SASL/SCRAM and TLS included, never {@code bootstrap.servers} alone.
 *
 * <p>The log also keeps the notifier's <b>baseline</b> under the reserved key {@value #BASELINE_KEY} (value
 * {@code baseline <instant>}): the time from which events are notified. The first load that finds none records the
 * current time, so a first install does not post the topics' history while a restart (or another instance) keeps the
 * recorded one and skips nothing new. The record is written again at every load and by {@link #refreshBaseline}, so the
 * topic's time-based retention never removes it.
 */
public final class KafkaSentLog implements AutoCloseable {

    public static final String SENT = "sent";
    public static final String FOLDED = "folded";
    private static final String CLAIMED = "claimed";
    /** The reserved key of the baseline record; no delivery key ({@code <eventId>|<channel>}) ends with the bar. */
    public static final String BASELINE_KEY = "baseline|";
    private static final String BASELINE = "baseline";

    private final Map<String, ?> kafka;
    private final String bootstrapServers;
    private final String topic;
    private final Duration retention;
    private final Map<String, String> states = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> loaded = new CompletableFuture<>();
    private volatile KafkaProducer<String, String> producer;
    private volatile Instant baseline;

    /**
     * @param kafka the service's Kafka client properties (Quarkus' {@code default-kafka-broker} map: every
     *              {@code kafka.*} key, e.g. {@code bootstrap.servers}, {@code security.protocol},
     *              {@code sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.*}); every client of the log uses them
     */
    public KafkaSentLog(Map<String, ?> kafka, String topic, Duration retention) {
        this.kafka = Map.copyOf(kafka);
        this.bootstrapServers = String.valueOf(kafka.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
        this.topic = topic;
        this.retention = retention;
    }

    /** A log on a broker that needs {@code bootstrap.servers} alone. */
    public KafkaSentLog(String bootstrapServers, String topic, Duration retention) {
        this(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic, retention);
    }

    /** The key of one delivery. */
    public static String key(String eventId, String channel) {
        return eventId + "|" + channel;
    }

    /**
     * Creates the compacted topic when missing, reads it from the beginning to its end, then records the baseline (the
     * current time when none was recorded, the recorded one again otherwise) and waits for the broker's ack. A failure
     * (Kafka not reachable) throws and leaves the log unloaded, so the caller may try again.
     */
    public void load(Duration timeout) {
        ensureTopic(timeout);
        Instant deadline = Instant.now().plus(timeout);
        Properties props = KafkaClientProperties.of(kafka, Map.of(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"));
        int records = 0;
        Instant recorded = null;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (!caughtUp(consumer, end)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (BASELINE_KEY.equals(record.key())) {
                        recorded = earlier(recorded, baselineOf(record.value()));
                        continue;
                    }
                    records++;
                    if (record.value() == null) {
                        states.remove(record.key());
                    } else {
                        states.putIfAbsent(record.key(), stateOf(record.value()));
                    }
                }
            }
        }
        Properties producerProps = KafkaClientProperties.of(kafka, Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "2"));
        KafkaProducer<String, String> writer = new KafkaProducer<>(producerProps);
        Instant from = recorded != null ? recorded : Instant.now();
        try {
            writeBaseline(writer, from).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writer.close(Duration.ZERO);
            throw new IllegalStateException("interrupted while recording the baseline in " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            writer.close(Duration.ZERO);
            throw new IllegalStateException("could not record the baseline in " + topic + ": " + e, e);
        }
        producer = writer;
        baseline = from;
        lastLoadCount = records;
        loaded.complete(null);
    }

    /** The time from which events are notified, once the log has been loaded. */
    public Optional<Instant> baseline() {
        return Optional.ofNullable(baseline);
    }

    /** Writes the baseline record again (keeps it younger than the topic's retention); completes on the broker's ack. */
    public CompletionStage<Void> refreshBaseline() {
        if (baseline == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(topic + " is not loaded yet"));
        }
        return writeBaseline(producer, baseline);
    }

    private CompletableFuture<Void> writeBaseline(KafkaProducer<String, String> writer, Instant from) {
        return send(writer, BASELINE_KEY, BASELINE + " " + from);
    }

    private CompletableFuture<Void> send(KafkaProducer<String, String> writer, String key, String value) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        writer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
            if (error != null) {
                done.completeExceptionally(error);
            } else {
                done.complete(null);
            }
        });
        return done;
    }

    private static Instant baselineOf(String value) {
        if (value == null) {
            return null;
        }
        int space = value.indexOf(' ');
        try {
            return Instant.parse(value.substring(space + 1).trim());
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static Instant earlier(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }

    private volatile int lastLoadCount;

    /** How many delivery records the last {@link #load} read (the baseline record not counted). */
    public int loadedRecords() {
        return lastLoadCount;
    }

    /** Completes when the log has been read back. */
    public CompletionStage<Void> whenLoaded() {
        return loaded;
    }

    public boolean isLoaded() {
        return loaded.isDone();
    }

    /** Takes {@code key} for one delivery attempt: false when it was already sent, folded or is being delivered. */
    public boolean claim(String key) {
        return states.putIfAbsent(key, CLAIMED) == null;
    }

    /** Gives a claimed key back after a failed delivery, so a replay from the dead-letter topic may try again. */
    public void release(String key) {
        states.remove(key, CLAIMED);
    }

    /** The recorded state of {@code key}: sent, folded, claimed, or empty. */
    public Optional<String> state(String key) {
        return Optional.ofNullable(states.get(key));
    }

    /** Makes {@code key} durable with {@code state}; completes when the broker has it. */
    public CompletionStage<Void> record(String key, String state) {
        states.put(key, state);
        return send(producer, key, state + " " + Instant.now());
    }

    public int size() {
        return states.size();
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    private static String stateOf(String value) {
        int space = value.indexOf(' ');
        return space < 0 ? value : value.substring(0, space);
    }

    private static boolean caughtUp(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void ensureTopic(Duration timeout) {
        Admin admin = Admin.create(KafkaClientProperties.of(kafka, Map.of(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000))));
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (existing.contains(topic)) {
                return;
            }
            NewTopic compacted = new NewTopic(topic, Optional.of(1), Optional.empty()).configs(Map.of(
                    "cleanup.policy", "compact,delete",
                    "retention.ms", Long.toString(retention.toMillis())));
            try {
                admin.createTopics(List.of(compacted)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("could not create " + topic + ": " + e.getCause(), e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not list topics on " + bootstrapServers + ": " + e, e);
        } finally {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
