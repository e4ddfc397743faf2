package dev.quayside.devstack.launcher;

import dev.quayside.events.EventEnvelope;
import dev.quayside.events.IncomingEvent;
import dev.quayside.events.Topics;
import dev.quayside.events.kafka.EventDeserializer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads every Quayside event topic from the end (or the beginning) and hands each decoded event to a listener, one
 * poll at a time. Used to show a commit's way through the pipeline and by the e2e suite.
 */
public final class ChainFollower implements AutoCloseable {

    /** An event with the time this follower saw it and its W3C {@code traceparent} header (null when absent). */
    public record Seen(EventEnvelope<?> event, String topic, Instant receivedAt, String traceparent) {

        /** The trace id of {@link #traceparent}, or null. */
        public String traceId() {
            return traceparent == null || traceparent.split("-").length < 2 ? null : traceparent.split("-")[1];
        }
    }

    private final KafkaConsumer<String, IncomingEvent> consumer;
    private final List<Seen> seen = new ArrayList<>();
    private int delivered;
    private Thread background;
    private volatile boolean stopping;

    public ChainFollower(String bootstrapServers, boolean fromBeginning) {
        this(bootstrapServers, java.util.Map.of(), fromBeginning);
    }

    /** Follows the stack's events, logging in with {@code client} (e.g. {@link LocalStack#kafkaClientProperties()}). */
    public ChainFollower(String bootstrapServers, java.util.Map<String, String> client, boolean fromBeginning) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "quayside-follower-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new EventDeserializer());
        consumer.subscribe(Topics.EVENT_TOPICS);
        // join the group and get partitions now, so nothing published after this constructor is missed
        long deadline = System.currentTimeMillis() + 30_000;
        while (consumer.assignment().isEmpty() && System.currentTimeMillis() < deadline) {
            consumer.poll(Duration.ofMillis(100)).forEach(this::remember);
        }
        if (!fromBeginning) {
            consumer.seekToEnd(consumer.assignment());
            consumer.assignment().forEach(consumer::position);
        }
    }

    /** Polls once for up to {@code timeout} and hands every event not handed out before to {@code listener}. */
    public void poll(Duration timeout, Consumer<Seen> listener) {
        consumer.poll(timeout).forEach(this::remember);
        deliver(listener);
    }

    /**
     * Polls on a daemon thread of its own until {@link #close()}, handing every event to {@code listener} on that
     * thread; a failed poll is printed and polling goes on (an event missed would be a figure missed). Call nothing
     * else on this follower meanwhile.
     */
    public ChainFollower inBackground(String threadName, Consumer<Seen> listener) {
        background = new Thread(() -> {
            while (!stopping) {
                try {
                    poll(Duration.ofMillis(200), listener);
                } catch (RuntimeException e) {
                    if (!stopping) {
                        System.out.println(threadName + ": " + e);
                    }
                }
            }
        }, threadName);
        background.setDaemon(true);
        background.start();
        return this;
    }

    private void deliver(Consumer<Seen> listener) {
        while (delivered < seen.size()) {
            listener.accept(seen.get(delivered++));
        }
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    private void remember(ConsumerRecord<String, IncomingEvent> record) {
        if (!record.value().isMalformed()) {
            var header = record.headers().lastHeader("traceparent");
            seen.add(new Seen(record.value().envelope(), record.topic(), Instant.now(),
                    header == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8)));
        }
    }

    /** Stops the background thread, if any, then the consumer. */
    @Override
    public void close() {
        stopping = true;
        if (background != null) {
            try {
                background.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        consumer.close();
    }
}
