package dev.quayside.registrator;

import dev.quayside.events.EventEnvelope;
import dev.quayside.events.IncomingEvent;
import dev.quayside.events.Topics;
import dev.quayside.events.kafka.EventDeserializer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads {@code quayside.container-started} from the real broker, as another team's consumer would. */
public final class ContainerEventsRecorder implements AutoCloseable {

    /** One record: its key and decoded value. */
    public record Received(String key, IncomingEvent value) {
        public EventEnvelope<?> envelope() {
            return value.envelope();
        }
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    public ContainerEventsRecorder(String bootstrapServers) {
        Properties props = new Properties();
        props.putAll(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "registrator-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        KafkaConsumer<String, IncomingEvent> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new EventDeserializer());
        consumer.subscribe(List.of(Topics.CONTAINER_STARTED));
        thread = new Thread(() -> {
            try (consumer) {
                while (running) {
                    for (ConsumerRecord<String, IncomingEvent> record : consumer.poll(Duration.ofMillis(200))) {
                        received.add(new Received(record.key(), record.value()));
                    }
                }
            }
        }, "container-events-recorder");
        thread.setDaemon(true);
        thread.start();
    }

    /** Everything received whose key is {@code serviceId}. */
    public List<Received> forService(String serviceId) {
        return received.stream().filter(r -> serviceId.equals(r.key())).toList();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
    }
}
