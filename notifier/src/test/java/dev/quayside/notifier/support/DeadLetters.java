package dev.quayside.notifier.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the notifier's dead-letter topic from the start. */
public final class DeadLetters {

    public static final String TOPIC = "quayside.notifier.dlq";

    /** One dead-lettered record: its value and the reason header. */
    public record DeadLetter(String value, String reason) {
    }

    private DeadLetters() {
    }

    /** Waits (at most {@code timeout}) for a dead letter whose value contains {@code text}; null when none came. */
    public static DeadLetter await(String bootstrapServers, String text, Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Instant deadline = Instant.now().plus(timeout);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                    String value = r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8);
                    if (value.contains(text)) {
                        Header reason = r.headers().lastHeader("dead-letter-reason");
                        return new DeadLetter(value, reason == null ? null
                                : new String(reason.value(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return null;
    }

}
