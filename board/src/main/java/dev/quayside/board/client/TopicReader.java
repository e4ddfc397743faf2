package dev.quayside.board.client;

import dev.quayside.board.config.BoardConfig;
import dev.quayside.board.service.BoardView;
import dev.quayside.events.Topics;
import dev.quayside.events.kafka.EventDeserializer;
import dev.quayside.kit.kafka.KafkaClientProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads every Quayside topic from its beginning into the {@link BoardView}, on one thread, and keeps reading. The board
 * owns no effect, so it never commits an offset and never dead-letters: each start rebuilds the view from the topics.
 * The view counts as caught up once every partition assigned at the start has been read to the end offset it had
 * then.
 */
@ApplicationScoped
public class TopicReader {

    private static final Logger LOG = Logger.getLogger(TopicReader.class);

    private final BoardView view;
    /** The service's {@code kafka.*} client properties (SASL/SCRAM, TLS), as its channels would connect. */
    private final Map<String, Object> kafka;
    private final String groupId;
    private final EventDeserializer events = new EventDeserializer();
    private final Counter recordsRead;
    /** The next offset to read per partition, kept across rebalances. */
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    /** The end offsets at the first assignment, not yet reached. */
    private final Map<TopicPartition, Long> targets = new HashMap<>();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running = true;
    private volatile boolean assigned;
    private volatile Instant caughtUpAt;
    private volatile String lastError;
    private Thread thread;
    private final Instant startedAt = Instant.now();

    TopicReader(BoardView view, BoardConfig config, MeterRegistry metrics,
            @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.view = view;
        this.kafka = Map.copyOf(kafka);
        this.groupId = config.groupId();
        this.recordsRead = Counter.builder("quayside.board.records.read").register(metrics);
    }

    void start(@Observes StartupEvent startup) {
        thread = new Thread(this::run, "board-topic-reader");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            thread.join(5000);
        }
    }

    /** Whether the topics were read to their end as of the start. */
    public boolean caughtUp() {
        return caughtUpAt != null;
    }

    /** How long the rebuild took, or null while it runs. */
    public Duration rebuildTime() {
        return caughtUpAt == null ? null : Duration.between(startedAt, caughtUpAt);
    }

    /** Partitions still to be read to their end as of the start (-1 before the first assignment). */
    public int partitionsBehind() {
        synchronized (targets) {
            return assigned ? targets.size() : -1;
        }
    }

    /** The last error of the consumer loop, or null. */
    public String lastError() {
        return lastError;
    }

    private void run() {
        Properties props = KafkaClientProperties.of(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-reader");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        while (running) {
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer = c;
                c.subscribe(Topics.ALL, new Rebalance(c));
                while (running) {
                    for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofMillis(500))) {
                        handle(record);
                        positions.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
                    }
                    lastError = null;
                    checkCaughtUp(c);
                }
            } catch (WakeupException e) {
                // stopping
            } catch (RuntimeException e) {
                lastError = e.toString();
                LOG.errorf(e, "reading the topics failed; starting the consumer again in 2 s");
                sleep(2000);
            } finally {
                consumer = null;
            }
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        recordsRead.increment();
        try {
            if (Topics.BUILD_LOGS.equals(record.topic())) {
                view.onLogLine(record.key(), record.value() == null ? "" : new String(record.value(),
                        StandardCharsets.UTF_8));
            } else {
                view.onEvent(record.topic(), record.key(), events.deserialize(record.topic(), record.headers(),
                        record.value()));
            }
        } catch (RuntimeException e) {
            // one record the view cannot take must not stop the board: say where it is and go on
            LOG.errorf(e, "record %s-%d@%d skipped", record.topic(), record.partition(), record.offset());
        }
    }

    private void checkCaughtUp(KafkaConsumer<String, byte[]> c) {
        if (caughtUpAt != null || !assigned) {
            return;
        }
        synchronized (targets) {
            targets.entrySet().removeIf(t -> !c.assignment().contains(t.getKey()) || c.position(t.getKey()) >= t.getValue());
            if (!targets.isEmpty()) {
                return;
            }
        }
        caughtUpAt = Instant.now();
        view.caughtUp();
        LOG.infof("view rebuilt from the topics in %d ms: %s", rebuildTime().toMillis(), view.status());
    }

    /** Reads a partition from the beginning the first time it is assigned, and from where it was after that. */
    private final class Rebalance implements ConsumerRebalanceListener {
        private final KafkaConsumer<String, byte[]> c;

        Rebalance(KafkaConsumer<String, byte[]> c) {
            this.c = c;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // nothing to commit: the board never commits
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Map<TopicPartition, Long> ends = c.endOffsets(partitions);
            for (TopicPartition p : partitions) {
                Long next = positions.get(p);
                if (next == null) {
                    c.seekToBeginning(java.util.List.of(p));
                } else {
                    c.seek(p, next);
                }
            }
            if (!assigned) {
                synchronized (targets) {
                    ends.forEach((p, end) -> {
                        if (end > 0) {
                            targets.put(p, end);
                        }
                    });
                }
                assigned = true;
                LOG.infof("reading %d partition(s) of %d topic(s) from the beginning", partitions.size(),
                        Topics.ALL.size());
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
