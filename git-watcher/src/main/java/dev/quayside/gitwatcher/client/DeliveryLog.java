package dev.quayside.gitwatcher.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.jboss.logging.Logger;

/**
 * git-watcher's durable de-duplication state, kept in a compacted Kafka topic and read back into memory by every
 * instance (see {@code docs/adr/0002-git-watcher-dedup.md}).
 *
 * <p>Records, all keyed so that the records of one push share a partition:
 * <ul>
 * <li>{@code claim|<push>} → {@code <nonce> <epochMillis>}: an instance wants to emit the push. In each partition's
 * order, the first claim wins; a later claim takes over only when the winner has not emitted within the lease.</li>
 * <li>{@code emitted|<push>} → the event id: the push's event is in Kafka. Every later claim loses.</li>
 * <li>{@code delivery|<host>|<id>} → event ids: a webhook delivery id already handled.</li>
 * <li>{@code head|<repo>|<ref>} → the last emitted (or baseline) head of a ref, for polling and {@code GET /repositories}.</li>
 * <li>{@code baseline|<repo>} → the first poll of a repository has recorded its heads.</li>
 * </ul>
 * Every decision is read back from the log, never taken from memory alone, so all instances agree.
 */
public class DeliveryLog implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DeliveryLog.class);
    private static final String CLAIM = "claim|";
    private static final String EMITTED = "emitted|";
    private static final String DELIVERY = "delivery|";
    private static final String HEAD = "head|";
    private static final String BASELINE = "baseline|";

    /** The outcome of a claim. */
    public enum ClaimResult {
        /** This instance must emit the push, then call {@link #markEmitted}. */
        WON,
        /** The push's event was already emitted. */
        ALREADY_EMITTED,
        /** Another instance claimed it within the lease and is emitting it. */
        CLAIMED_ELSEWHERE
    }

    private static final class PushState {
        String owner;
        long claimedAt;
        String eventId;
    }

    private final String topic;
    private final Duration lease;
    private final Duration timeout;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final Map<String, PushState> pushes = new ConcurrentHashMap<>();
    private final Map<String, String> deliveries = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> heads = new ConcurrentHashMap<>();
    private final Set<String> baselines = ConcurrentHashMap.newKeySet();
    private final Object positionsLock = new Object();
    private final Map<Integer, Long> ownWrites = new HashMap<>();
    private final Map<Integer, Long> positions = new HashMap<>();
    private final Map<Integer, TreeMap<Long, CompletableFuture<Void>>> readWaiters = new HashMap<>();
    private boolean caughtUpNotified;
    private final String bootstrapServers;
    private final int createPartitions;
    private final short replicationFactor;
    private final Thread reader;
    private volatile int partitions;
    private volatile Map<Integer, Long> startEnd = Map.of();
    private volatile boolean caughtUp;
    private volatile boolean closed;
    private volatile Exception readerFailure;

    /**
     * Creates the clients and starts the reader thread, which creates the compacted topic when missing and reads it
     * from the beginning; {@link #isCaughtUp()} tells when the state is complete. Nothing here waits for Kafka, so the
     * service starts (and reports not ready) while Kafka is still unreachable.
     */
    public DeliveryLog(String bootstrapServers, String topic, int partitions, short replicationFactor,
            Duration lease, Duration timeout) {
        this.topic = topic;
        this.lease = lease;
        this.timeout = timeout;
        this.bootstrapServers = bootstrapServers;
        this.createPartitions = partitions;
        this.replicationFactor = replicationFactor;

        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producerProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), 2000) * 3);
        producerProps.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), 2000));
        producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "git-watcher-deliveries-" + UUID.randomUUID());
        this.producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer());

        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // a missing topic is created compacted by connect(), never auto-created with the broker's defaults
        consumerProps.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "git-watcher-deliveries-reader-" + UUID.randomUUID());
        this.consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer());
        this.reader = new Thread(this::readLoop, "git-watcher-delivery-log");
        reader.setDaemon(true);
        reader.start();
    }

    /** Creates the topic if needed and assigns all its partitions, retrying until Kafka answers or closing. */
    private void connect() {
        long backoff = 200;
        while (!closed) {
            try {
                List<TopicPartition> assigned = partitions(consumer.partitionsFor(topic, timeout));
                if (assigned.isEmpty()) { // a first start: create the topic (an admin client costs ~0.2 s)
                    createTopic(bootstrapServers, topic, createPartitions, replicationFactor);
                    assigned = partitions(consumer.partitionsFor(topic, timeout));
                }
                consumer.assign(assigned);
                consumer.seekToBeginning(assigned);
                startEnd = consumer.endOffsets(assigned, timeout).entrySet().stream()
                        .collect(Collectors.toMap(e -> e.getKey().partition(), Map.Entry::getValue));
                partitions = assigned.size();
                return;
            } catch (RuntimeException e) {
                readerFailure = e;
                LOG.warnf("de-duplication log %s not reachable yet (%s); retrying", topic, e.getMessage());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    private static List<TopicPartition> partitions(List<org.apache.kafka.common.PartitionInfo> infos) {
        return infos == null ? List.of() : infos.stream().map(p -> new TopicPartition(p.topic(), p.partition()))
                .collect(Collectors.toList());
    }

    /** True once every record present at start has been read. */
    public boolean isCaughtUp() {
        return caughtUp;
    }

    /** Why the reader stopped, if it did. */
    public Optional<Exception> readerFailure() {
        return Optional.ofNullable(readerFailure);
    }

    /** Waits (up to the timeout) until the log is read to its end as of start. */
    public void awaitCaughtUp() {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (positionsLock) {
            while (!caughtUp) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || closed) {
                    throw new DeliveryLogUnavailableException("the de-duplication log " + topic
                            + " is not read yet" + readerFailure().map(e -> ": " + e).orElse(""));
                }
                waitOn(left);
            }
        }
    }

    /** The event id, if the push's event is known to be emitted (fast path; a claim decides for sure). */
    public Optional<String> emittedEventId(String push) {
        PushState state = pushes.get(push);
        return Optional.ofNullable(state == null ? null : state.eventId);
    }

    /** The event ids a delivery id produced, if it was handled already. */
    public Optional<String> delivery(String host, String deliveryId) {
        return Optional.ofNullable(deliveries.get(host + "|" + deliveryId));
    }

    /** Last emitted or baseline heads of a repository, ref → commit (deleted refs absent). */
    public Map<String, String> heads(String repository) {
        Map<String, String> refs = heads.get(repository);
        if (refs == null) {
            return Map.of();
        }
        Map<String, String> live = new java.util.TreeMap<>();
        refs.forEach((ref, sha) -> {
            if (!sha.isEmpty()) {
                live.put(ref, sha);
            }
        });
        return live;
    }

    public boolean hasBaseline(String repository) {
        return baselines.contains(repository);
    }

    /**
     * Claims {@code push} for this instance: appends a claim, waits until the reader has read it back and answers
     * what the log says.
     */
    public ClaimResult claim(String push) {
        awaitCaughtUp();
        PushState known = pushes.get(push);
        if (known != null && known.eventId != null) {
            return ClaimResult.ALREADY_EMITTED;
        }
        String nonce = UUID.randomUUID().toString();
        RecordMetadata written = await(send(CLAIM + push, push, nonce + " " + System.currentTimeMillis()));
        awaitRead(written.partition(), written.offset());
        PushState state = pushes.get(push);
        if (state == null) {
            throw new IllegalStateException("claim of " + push + " read back without state");
        }
        synchronized (state) {
            if (state.eventId != null) {
                return ClaimResult.ALREADY_EMITTED;
            }
            return nonce.equals(state.owner) ? ClaimResult.WON : ClaimResult.CLAIMED_ELSEWHERE;
        }
    }

    /** Records that the push's event is in Kafka, with the ref's new head; waits until Kafka has it. */
    public void markEmitted(String push, String eventId, String repository, String ref, String head) {
        Future<RecordMetadata> emitted = send(EMITTED + push, push, eventId);
        send(CLAIM + push, push, null);
        Future<RecordMetadata> headWritten = send(HEAD + repository + "|" + ref, repository + "|" + ref, head);
        await(emitted);
        written(await(headWritten));
        PushState state = pushes.computeIfAbsent(push, k -> new PushState());
        synchronized (state) {
            state.eventId = eventId;
        }
    }

    /** Records the heads of a repository's first poll (no events for them). */
    public void markBaseline(String repository, Map<String, String> refs) {
        List<Future<RecordMetadata>> writes = new ArrayList<>();
        refs.forEach((ref, sha) -> writes.add(send(HEAD + repository + "|" + ref, repository + "|" + ref, sha)));
        writes.add(send(BASELINE + repository, repository, Long.toString(System.currentTimeMillis())));
        writes.forEach(write -> written(await(write)));
    }

    /**
     * Waits until the reader has applied every head and baseline this instance wrote, so {@link #heads} shows them
     * (a poll answers with the heads it just recorded).
     */
    public void awaitOwnWrites() {
        Map<Integer, Long> mine;
        synchronized (ownWrites) {
            mine = new HashMap<>(ownWrites);
        }
        mine.forEach(this::awaitRead);
    }

    private void written(RecordMetadata metadata) {
        synchronized (ownWrites) {
            ownWrites.merge(metadata.partition(), metadata.offset(), Math::max);
        }
    }

    /**
     * Records that a webhook delivery was handled, with the event ids it produced. Not awaited: it only short-cuts
     * redeliveries, the {@code emitted} records decide.
     */
    public void markDelivery(String host, String deliveryId, String eventIds) {
        send(DELIVERY + host + "|" + deliveryId, host + "|" + deliveryId, eventIds);
        deliveries.put(host + "|" + deliveryId, eventIds);
    }

    /** Fetches the topic's metadata now, so the first claim does not wait for it. */
    public void primeProducer() {
        producer.partitionsFor(topic);
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }

    private Future<RecordMetadata> send(String key, String partitionKey, String value) {
        awaitCaughtUp();
        int partition = Utils.toPositive(Utils.murmur2(partitionKey.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                % partitions;
        return producer.send(new ProducerRecord<>(topic, partition, key, value));
    }

    private RecordMetadata await(Future<RecordMetadata> future) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryLogUnavailableException("interrupted while writing to " + topic);
        } catch (ExecutionException | TimeoutException e) {
            throw new DeliveryLogUnavailableException("could not write to " + topic + ": "
                    + (e.getCause() != null ? e.getCause() : e));
        }
    }

    /** Waits until the reader has applied the record at {@code offset} (each waiter wakes once, not on every poll). */
    private void awaitRead(int partition, long offset) {
        CompletableFuture<Void> read;
        synchronized (positionsLock) {
            if (positions.getOrDefault(partition, 0L) > offset) {
                return;
            }
            read = readWaiters.computeIfAbsent(partition, p -> new TreeMap<>())
                    .computeIfAbsent(offset, o -> new CompletableFuture<>());
        }
        try {
            read.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryLogUnavailableException("interrupted while reading " + topic);
        } catch (ExecutionException | TimeoutException e) {
            throw new DeliveryLogUnavailableException(
                    "the claim at " + topic + "-" + partition + "@" + offset + " was not read back in time");
        }
    }

    /** Completes the waiters whose records the reader has applied; called with {@link #positionsLock} held. */
    private void releaseReaders() {
        readWaiters.forEach((partition, waiters) -> {
            NavigableMap<Long, CompletableFuture<Void>> done = waiters
                    .headMap(positions.getOrDefault(partition, 0L), false);
            done.values().forEach(f -> f.complete(null));
            done.clear();
        });
    }

    private void waitOn(long millis) {
        try {
            positionsLock.wait(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryLogUnavailableException("interrupted while reading " + topic);
        }
    }

    private void readLoop() {
        try {
            connect();
            readerFailure = null;
            while (!closed) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    apply(record);
                }
                Map<Integer, Long> now = new HashMap<>();
                for (TopicPartition partition : consumer.assignment()) {
                    now.put(partition.partition(), consumer.position(partition));
                }
                synchronized (positionsLock) {
                    positions.putAll(now);
                    if (!caughtUp && startEnd.entrySet().stream()
                            .allMatch(e -> now.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
                        caughtUp = true;
                        LOG.infof("de-duplication log %s read: %d pushes, %d deliveries", topic, pushes.size(),
                                deliveries.size());
                    }
                    releaseReaders();
                    if (!caughtUpNotified && caughtUp) {
                        caughtUpNotified = true;
                        positionsLock.notifyAll();
                    }
                }
            }
        } catch (WakeupException e) {
            if (!closed) {
                readerFailure = e;
            }
        } catch (RuntimeException e) {
            readerFailure = e;
            LOG.errorf(e, "the reader of %s stopped", topic);
        } finally {
            consumer.close(Duration.ofSeconds(2));
            synchronized (positionsLock) {
                readWaiters.values().forEach(waiters -> waiters.values()
                        .forEach(f -> f.completeExceptionally(new IllegalStateException("the reader stopped"))));
                readWaiters.clear();
                positionsLock.notifyAll();
            }
        }
    }

    private void apply(ConsumerRecord<String, String> record) {
        String key = record.key();
        String value = record.value();
        if (key == null) {
            return;
        }
        if (key.startsWith(CLAIM)) {
            if (value == null) {
                return; // tombstone after emitting: the emitted record decides from then on
            }
            int space = value.indexOf(' ');
            if (space < 0) {
                return;
            }
            String owner = value.substring(0, space);
            long at = parseLong(value.substring(space + 1));
            PushState state = pushes.computeIfAbsent(key.substring(CLAIM.length()), k -> new PushState());
            synchronized (state) {
                if (state.eventId == null && (state.owner == null || at - state.claimedAt > lease.toMillis())) {
                    state.owner = owner;
                    state.claimedAt = at;
                }
            }
        } else if (key.startsWith(EMITTED) && value != null) {
            PushState state = pushes.computeIfAbsent(key.substring(EMITTED.length()), k -> new PushState());
            synchronized (state) {
                state.eventId = value;
            }
        } else if (key.startsWith(DELIVERY) && value != null) {
            deliveries.put(key.substring(DELIVERY.length()), value);
        } else if (key.startsWith(HEAD)) {
            String rest = key.substring(HEAD.length());
            int bar = rest.indexOf('|');
            if (bar > 0) {
                heads.computeIfAbsent(rest.substring(0, bar), r -> new ConcurrentHashMap<>())
                        .put(rest.substring(bar + 1), value == null || isZero(value) ? "" : value);
            }
        } else if (key.startsWith(BASELINE) && value != null) {
            baselines.add(key.substring(BASELINE.length()));
        }
    }

    private static boolean isZero(String sha) {
        return sha.chars().allMatch(c -> c == '0');
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 0L;
        }
    }

    private static void createTopic(String bootstrapServers, String topic, int partitions, short replication) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15000);
        try (Admin admin = Admin.create(props)) {
            if (admin.listTopics().names().get(15, TimeUnit.SECONDS).contains(topic)) {
                return;
            }
            NewTopic newTopic = new NewTopic(topic, partitions, replication)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            try {
                admin.createTopics(List.of(newTopic)).all().get(15, TimeUnit.SECONDS);
                LOG.infof("created compacted topic %s (%d partitions)", topic, partitions);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryLogUnavailableException("interrupted while creating " + topic);
        } catch (ExecutionException | TimeoutException e) {
            throw new DeliveryLogUnavailableException("could not create " + topic + ": " + e);
        }
    }
}
