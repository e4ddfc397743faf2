package dev.quayside.kit.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.jboss.logging.Logger;

/**
 * A string map kept in a compacted Kafka topic and read back into memory by every instance of a service: durable state
 * without a database that several instances share (git-watcher's de-duplication, notifier's sent log).
 *
 * <ul>
 * <li>A reader thread creates the topic when missing ({@code cleanup.policy=compact}), reads it from the beginning and
 * keeps following it; {@link #isCaughtUp()} tells when everything present at start has been read.</li>
 * <li>Writes name their partition key explicitly ({@link #put}), so related records share a partition and are read in
 * the order they were written; a {@code null} value ({@link #remove}) is a tombstone.</li>
 * <li>Read-your-writes: {@link #awaitApplied} waits until the reader has applied a record this instance wrote, and
 * {@link #awaitOwnWrites} until it has applied all of them.</li>
 * <li>Expiry: an entry older than its key's retention is no longer returned and is tombstoned by a periodic sweep, so
 * the topic's compaction removes it for good.</li>
 * <li>{@link #health()} is ready only while the topic is read to its end and the broker answers.</li>
 * </ul>
 * The Kafka client properties come from the service's {@code kafka.*} configuration (see {@link KafkaClientProperties}).
 * A key must always be written with the same partition key.
 */
public final class CompactedTopicMap implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CompactedTopicMap.class);

    /** One live entry: its value, when it was written (the record's timestamp, epoch ms) and its partition. */
    public record Entry(String value, long timestamp, int partition) {
    }

    /** Where a write landed. */
    public record Written(int partition, long offset) {
    }

    /** Sees every record in each partition's log order, on the reader thread, before its waiters are released. */
    @FunctionalInterface
    public interface Listener {

        /** {@code entry} is null for a tombstone. */
        void applied(String key, Entry entry);
    }

    /**
     * Whether the map can be relied on now.
     *
     * @param caughtUp  the topic was read to its end as of start
     * @param reachable the broker answered the reader's last probe
     * @param problem   why not, if not
     */
    public record Health(boolean caughtUp, boolean reachable, Optional<String> problem) {

        public boolean ready() {
            return caughtUp && reachable;
        }
    }

    /**
     * How a map is kept.
     *
     * @param topic             the compacted topic
     * @param partitions        partitions when the map creates the topic
     * @param replicationFactor replication factor when the map creates the topic ({@code -1}: the broker's default)
     * @param topicConfigs      further configs of a created topic ({@code cleanup.policy=compact} is always set)
     * @param timeout           the longest wait for Kafka of one call
     * @param retention         how long an entry of a key lives, or null to keep it
     * @param sweepInterval     how often expired entries are tombstoned
     * @param probeInterval     how often the reader checks that the broker answers
     * @param clientId          prefix of the clients' {@code client.id}
     */
    public record Options(String topic, int partitions, short replicationFactor, Map<String, String> topicConfigs,
            Duration timeout, Function<String, Duration> retention, Duration sweepInterval, Duration probeInterval,
            String clientId) {

        public Options {
            topicConfigs = Map.copyOf(topicConfigs);
        }

        /** One partition, the broker's replication factor, 5 s timeout, entries kept forever. */
        public static Options of(String topic) {
            return new Options(topic, 1, (short) -1, Map.of(), Duration.ofSeconds(5), key -> null,
                    Duration.ofMinutes(1), Duration.ofSeconds(2), topic);
        }

        public Options withPartitions(int partitions, short replicationFactor) {
            return new Options(topic, partitions, replicationFactor, topicConfigs, timeout, retention, sweepInterval,
                    probeInterval, clientId);
        }

        public Options withTopicConfigs(Map<String, String> configs) {
            return new Options(topic, partitions, replicationFactor, configs, timeout, retention, sweepInterval,
                    probeInterval, clientId);
        }

        public Options withTimeout(Duration timeout) {
            return new Options(topic, partitions, replicationFactor, topicConfigs, timeout, retention, sweepInterval,
                    probeInterval, clientId);
        }

        /** Entries of a key expire after {@code retention.apply(key)} (null: never), tombstoned every {@code sweep}. */
        public Options withRetention(Function<String, Duration> retention, Duration sweep) {
            return new Options(topic, partitions, replicationFactor, topicConfigs, timeout, retention, sweep,
                    probeInterval, clientId);
        }

        public Options withProbeInterval(Duration probeInterval) {
            return new Options(topic, partitions, replicationFactor, topicConfigs, timeout, retention, sweepInterval,
                    probeInterval, clientId);
        }

        public Options withClientId(String clientId) {
            return new Options(topic, partitions, replicationFactor, topicConfigs, timeout, retention, sweepInterval,
                    probeInterval, clientId);
        }
    }

    private final Options options;
    private final String topic;
    private final Map<String, ?> kafka;
    private final Listener listener;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    private final AppliedOffsets applied = new AppliedOffsets();
    private final Thread reader;
    private final ScheduledExecutorService sweeper;
    private volatile int partitions;
    private volatile Map<Integer, Long> startEnd = Map.of();
    private volatile boolean reachable;
    private volatile String problem = "not connected yet";
    private volatile boolean closed;

    /**
     * Creates the clients and starts the reader thread. Nothing here waits for Kafka: a service starts (and reports
     * not ready) while Kafka is unreachable.
     *
     * @param kafka    the service's Kafka client properties (Quarkus' {@code default-kafka-broker} map)
     * @param listener sees every record applied, or null
     */
    public CompactedTopicMap(Map<String, ?> kafka, Options options, Listener listener) {
        this.options = options;
        this.topic = options.topic();
        this.kafka = Map.copyOf(KafkaClientProperties.of(kafka).entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().toString(), Map.Entry::getValue)));
        this.listener = listener == null ? (key, entry) -> { } : listener;
        long timeout = Math.max(options.timeout().toMillis(), 1);
        String instance = UUID.randomUUID().toString();
        this.producer = new KafkaProducer<>(KafkaClientProperties.of(this.kafka, Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeout, 2000) * 3,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(timeout, 2000),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout,
                ProducerConfig.CLIENT_ID_CONFIG, options.clientId() + "-writer-" + instance)),
                new StringSerializer(), new StringSerializer());
        this.consumer = new KafkaConsumer<>(KafkaClientProperties.of(this.kafka, Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                // a missing topic is created compacted by connect(), never auto-created with the broker's defaults
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, options.clientId() + "-reader-" + instance)),
                new StringDeserializer(), new StringDeserializer());
        this.reader = new Thread(this::readLoop, "compacted-map-" + topic);
        reader.setDaemon(true);
        reader.start();
        this.sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "compacted-map-expiry-" + topic);
            thread.setDaemon(true);
            return thread;
        });
        long sweep = Math.max(options.sweepInterval().toMillis(), 10);
        sweeper.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    public String topic() {
        return topic;
    }

    /** True once every record present at start has been read. */
    public boolean isCaughtUp() {
        return caughtUp.isDone();
    }

    /** Completes once every record present at start has been read. */
    public CompletionStage<Void> whenCaughtUp() {
        return caughtUp.minimalCompletionStage();
    }

    public Health health() {
        boolean up = reachable && reader.isAlive();
        return new Health(isCaughtUp(), up, up ? Optional.empty() : Optional.of(problem));
    }

    /**
     * Waits (up to the timeout) until the topic is read to its end as of start.
     *
     * @throws CompactedTopicUnavailableException when it is not
     */
    public void awaitCaughtUp() {
        try {
            caughtUp.get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while reading " + topic);
        } catch (ExecutionException | TimeoutException e) {
            throw unavailable(topic + " is not read yet: " + problem);
        }
    }

    /** The live entry of {@code key}: absent when never written, removed or expired. */
    public Optional<Entry> get(String key) {
        Entry entry = entries.get(key);
        return entry == null || expired(key, entry, System.currentTimeMillis()) ? Optional.empty()
                : Optional.of(entry);
    }

    /** The live value of {@code key}. */
    public Optional<String> value(String key) {
        return get(key).map(Entry::value);
    }

    /** Entries held in memory (expired ones included until their tombstone is read). */
    public int size() {
        return entries.size();
    }

    /**
     * Writes {@code key} = {@code value} to the partition of {@code partitionKey}; completes when Kafka acknowledged
     * it (the record is applied to this map shortly after: {@link #awaitApplied}). Waits for the topic to be read.
     */
    public CompletableFuture<Written> put(String partitionKey, String key, String value) {
        awaitCaughtUp();
        return send(partition(partitionKey), key, value);
    }

    /** Writes a tombstone for {@code key} to the partition of {@code partitionKey}. */
    public CompletableFuture<Written> remove(String partitionKey, String key) {
        return put(partitionKey, key, null);
    }

    /** {@link #put}, then waits until Kafka acknowledged it and this map applied it. */
    public Written putAndAwait(String partitionKey, String key, String value) {
        Written written = await(put(partitionKey, key, value));
        awaitApplied(written);
        return written;
    }

    /** Waits for a write's acknowledgement, at most the timeout. */
    public Written await(Future<Written> write) {
        try {
            return write.get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while writing to " + topic);
        } catch (ExecutionException | TimeoutException e) {
            throw unavailable("could not write to " + topic + ": " + (e.getCause() != null ? e.getCause() : e));
        }
    }

    /** Waits (up to the timeout) until the reader has applied the record at {@code written}. */
    public void awaitApplied(Written written) {
        boolean read;
        try {
            read = applied.await(written.partition(), written.offset(), options.timeout().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while reading " + topic);
        }
        if (!read) {
            throw unavailable("the record at " + topic + "-" + written.partition() + "@" + written.offset()
                    + " was not read back in time");
        }
    }

    /** Waits until the reader has applied every record this instance wrote and Kafka acknowledged. */
    public void awaitOwnWrites() {
        applied.ownWrites().forEach((partition, offset) -> awaitApplied(new Written(partition, offset)));
    }

    /** Fetches the topic's metadata now, so the first write does not wait for it. */
    public void primeWriter() {
        producer.partitionsFor(topic);
    }

    @Override
    public void close() {
        closed = true;
        sweeper.shutdownNow();
        consumer.wakeup();
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }

    /** The partition of {@code partitionKey}: Kafka's own choice for a record key ({@code murmur2}). */
    int partition(String partitionKey) {
        return Utils.toPositive(Utils.murmur2(partitionKey.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private CompletableFuture<Written> send(int partition, String key, String value) {
        CompletableFuture<Written> written = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, partition, key, value), (RecordMetadata metadata, Exception e) -> {
                if (e != null) {
                    written.completeExceptionally(e);
                    return;
                }
                applied.wrote(metadata.partition(), metadata.offset());
                written.complete(new Written(metadata.partition(), metadata.offset()));
            });
        } catch (KafkaException e) {
            written.completeExceptionally(e);
        }
        return written;
    }

    private boolean expired(String key, Entry entry, long now) {
        Duration retention = options.retention().apply(key);
        return retention != null && now - entry.timestamp() > retention.toMillis();
    }

    /** Tombstones the entries older than their retention (each instance may; tombstones are idempotent). */
    private void sweep() {
        if (!isCaughtUp() || closed) {
            return;
        }
        long now = System.currentTimeMillis();
        int expired = 0;
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (expired(e.getKey(), e.getValue(), now)) {
                send(e.getValue().partition(), e.getKey(), null);
                expired++;
            }
        }
        if (expired > 0) {
            LOG.debugf("%s: tombstoned %d expired entries", topic, expired);
        }
    }

    /** Creates the topic if needed and assigns all its partitions, retrying until Kafka answers or closing. */
    private List<TopicPartition> connect() {
        long backoff = 200;
        while (!closed) {
            try {
                List<TopicPartition> assigned = partitions(consumer.partitionsFor(topic, options.timeout()));
                if (assigned.isEmpty()) { // a first start: create the topic (an admin client costs ~0.2 s)
                    CompactedTopics.create(kafka, options);
                    assigned = partitions(consumer.partitionsFor(topic, options.timeout()));
                }
                if (assigned.isEmpty()) {
                    // just created, its metadata not out yet: assigning nothing would unsubscribe the consumer and
                    // the next poll would throw "not subscribed to any topics" (CI saw the reader stop on it)
                    throw new KafkaException("no partition of " + topic + " known yet");
                }
                consumer.assign(assigned);
                consumer.seekToBeginning(assigned);
                startEnd = consumer.endOffsets(assigned, options.timeout()).entrySet().stream()
                        .collect(Collectors.toMap(e -> e.getKey().partition(), Map.Entry::getValue));
                partitions = assigned.size();
                reachable = true;
                return assigned;
            } catch (WakeupException e) {
                throw e;
            } catch (RuntimeException e) {
                problem = e.toString();
                LOG.warnf("compacted topic %s not reachable yet (%s); retrying", topic, e.getMessage());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return List.of();
                }
                backoff = Math.min(backoff * 2, 5000);
            }
        }
        return List.of();
    }

    private static List<TopicPartition> partitions(List<PartitionInfo> infos) {
        return infos == null ? List.of() : infos.stream().map(p -> new TopicPartition(p.topic(), p.partition()))
                .collect(Collectors.toList());
    }

    private void readLoop() {
        try {
            List<TopicPartition> assigned = connect();
            long lastProbe = System.nanoTime();
            while (!closed) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    apply(record);
                }
                Map<Integer, Long> now = new HashMap<>();
                for (TopicPartition partition : assigned) {
                    now.put(partition.partition(), consumer.position(partition));
                }
                applied.advance(now);
                if (!caughtUp.isDone() && startEnd.entrySet().stream()
                        .allMatch(e -> now.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
                    LOG.infof("compacted topic %s read: %d entries", topic, entries.size());
                    caughtUp.complete(null);
                }
                if (System.nanoTime() - lastProbe >= options.probeInterval().toNanos()) {
                    probe(assigned);
                    lastProbe = System.nanoTime();
                }
            }
        } catch (WakeupException e) {
            if (!closed) {
                problem = "the reader was woken up: " + e;
            }
        } catch (RuntimeException e) {
            problem = "the reader stopped: " + e;
            LOG.errorf(e, "the reader of %s stopped", topic);
        } finally {
            reachable = false;
            consumer.close(Duration.ofSeconds(2));
            applied.fail();
        }
    }

    /** Asks the broker for the end offsets: readiness follows whether it answers. */
    private void probe(List<TopicPartition> assigned) {
        try {
            consumer.endOffsets(assigned, options.timeout());
            if (!reachable) {
                LOG.infof("compacted topic %s: the broker answers again", topic);
            }
            reachable = true;
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            if (reachable) {
                LOG.warnf("compacted topic %s: the broker does not answer (%s)", topic, e.toString());
            }
            problem = "the broker does not answer: " + e;
            reachable = false;
        }
    }

    private void apply(ConsumerRecord<String, String> record) {
        String key = record.key();
        if (key == null) {
            return;
        }
        Entry entry = record.value() == null ? null
                : new Entry(record.value(), record.timestamp(), record.partition());
        if (entry == null) {
            entries.remove(key);
        } else {
            entries.put(key, entry);
        }
        try {
            listener.applied(key, entry);
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s: the listener failed on %s", topic, key);
        }
    }

    static CompactedTopicUnavailableException unavailable(String message) {
        return new CompactedTopicUnavailableException(message);
    }
}
