package dev.quayside.edgerouter.support;

import dev.quayside.events.EventEnvelope;
import dev.quayside.events.IncomingEvent;
import dev.quayside.events.RoutesUpdated;
import dev.quayside.events.Topics;
import dev.quayside.events.kafka.EventDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;

/** Reads {@code quayside.routes-updated} from the real broker, from the beginning, as another team would. */
public final class RoutesUpdatedConsumer implements AutoCloseable {

    private final KafkaConsumer<String, IncomingEvent> consumer;
    private final List<ConsumerRecord<String, IncomingEvent>> seen = new ArrayList<>();

    public RoutesUpdatedConsumer() {
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "edge-router-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                new EventDeserializer());
        consumer.subscribe(List.of(Topics.ROUTES_UPDATED));
    }

    /** Polls until a record matches, for at most {@code timeout}; returns its envelope or null. */
    public EventEnvelope<RoutesUpdated> await(Predicate<EventEnvelope<RoutesUpdated>> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ConsumerRecord<String, IncomingEvent> record : seen) {
            EventEnvelope<RoutesUpdated> envelope = record.value().require(RoutesUpdated.class);
            if (match.test(envelope)) {
                return envelope;
            }
        }
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, IncomingEvent> record : consumer.poll(Duration.ofMillis(200))) {
                seen.add(record);
                EventEnvelope<RoutesUpdated> envelope = record.value().require(RoutesUpdated.class);
                if (!record.key().equals(envelope.key())) {
                    throw new AssertionError("record key " + record.key() + " is not the instance " + envelope.key());
                }
                if (match.test(envelope)) {
                    return envelope;
                }
            }
        }
        return null;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
