package dev.quayside.notifier.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.kafka.KafkaBrokerResource;
import dev.quayside.events.Deployment;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.DeploymentTarget;
import dev.quayside.events.EventEnvelope;
import dev.quayside.notifier.support.LoopbackReceivers;
import dev.quayside.notifier.support.NotifierTestResources;
import dev.quayside.notifier.support.TestEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, not a test: runs only with {@code -Dgroups=bench -Dnotifier.excluded-groups=none} and prints figures; it
 * checks that every event was handled, never how fast.
 * <ul>
 * <li>latency: an event published → the webhook request received by the loopback Slack (an upper bound of "event
 * consumed → webhook request sent": it includes the Kafka produce and the consumer's poll);</li>
 * <li>throughput: a burst of similar events with folding on, consumed (sent, folded or duplicate) per second.</li>
 * </ul>
 * The loopback receivers and GreenMail come from {@link NotifierTestResources}, which {@code NotifierTest} declares
 * for every test of the module (declaring it twice would start it twice).
 */
@Tag("bench")
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class NotifierBench {

    static final int LATENCY_EVENTS = Integer.getInteger("bench.latency.events", 300);
    static final int BURST_EVENTS = Integer.getInteger("bench.burst.events", 20_000);

    LoopbackReceivers receivers;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void latencyAndThroughput() throws Exception {
        try (TestEvents events = new TestEvents(bootstrapServers)) {
            // warm-up: the consumers are assigned, the REST client and templates are ready
            for (int i = 0; i < 20; i++) {
                events.publish(TestEvents.single(failure("warmup-" + i)));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> receivers.at("/bench", "warmup-").size() == 20);

            List<Long> latencies = new ArrayList<>();
            for (int i = 0; i < LATENCY_EVENTS; i++) {
                String env = "lat-" + i + "-";
                long start = System.nanoTime();
                events.publish(TestEvents.single(failure(env)));
                await().pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(10))
                        .until(() -> receivers.at("/bench", env).size() == 1);
                latencies.add(receivers.at("/bench", env).get(0).receivedAtNanos() - start);
            }
            Collections.sort(latencies);
            System.out.printf("BENCH latency publish→webhook received, %d events: p50 %.1f ms, p95 %.1f ms, "
                    + "max %.1f ms%n", latencies.size(), ms(latencies, 0.50), ms(latencies, 0.95),
                    latencies.get(latencies.size() - 1) / 1e6);

            double before = handled();
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                    dev.quayside.events.kafka.EventSerializer.class.getName());
            try (KafkaProducer<String, EventEnvelope<?>> producer = new KafkaProducer<>(props,
                    new StringSerializer(), null)) {
                List<EventEnvelope<?>> burst = new ArrayList<>();
                for (int i = 0; i < BURST_EVENTS; i++) {
                    burst.add(TestEvents.single(TestEvents.containerStarted("bench", i)));
                }
                long start = System.nanoTime();
                for (EventEnvelope<?> e : burst) {
                    producer.send(new ProducerRecord<>(e.topic(), e.key(), e));
                }
                producer.flush();
                long published = System.nanoTime();
                double handledWhenPublished = handled() - before;
                await().pollInterval(Duration.ofMillis(20)).atMost(Duration.ofMinutes(3))
                        .until(() -> handled() - before >= BURST_EVENTS);
                long end = System.nanoTime();
                double seconds = (end - start) / 1e9;
                double drain = (end - published) / 1e9;
                int messages = receivers.at("/bench", "container-started").size();
                System.out.printf("BENCH throughput with folding on: %d events handled in %.2f s from the first "
                        + "publish = %.0f events/s (publishing alone took %.2f s); the backlog of %.0f events left "
                        + "when publishing ended was consumed at %.0f events/s; %d webhook messages (1 + digests)%n",
                        BURST_EVENTS, seconds, BURST_EVENTS / seconds, (published - start) / 1e9,
                        BURST_EVENTS - handledWhenPublished, (BURST_EVENTS - handledWhenPublished) / drain,
                        messages);
                assertThat(messages).as("folding on: far fewer messages than events").isLessThan(BURST_EVENTS / 100);
            }
        }
        TimeUnit.MILLISECONDS.sleep(10);
    }

    private double handled() {
        double total = 0;
        for (String result : List.of("sent", "folded", "duplicate")) {
            Counter c = registry.find("quayside.notifier.notifications").tags("result", result, "channel", "bench")
                    .counter();
            total += c == null ? 0 : c.count();
        }
        return total;
    }

    private static DeploymentFailed failure(String environment) {
        return new DeploymentFailed(new Deployment("bench", environment, DeploymentTarget.MARATHON, "/bench",
                "v1", "127.0.0.1:5000/bench:1", null, 10), DeploymentFailed.Reason.HEALTH_CHECK, "unhealthy", null,
                null);
    }

    private static double ms(List<Long> sorted, double quantile) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.round(quantile * (sorted.size() - 1)))) / 1e6;
    }
}
