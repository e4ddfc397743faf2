package dev.quayside.notifier.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.kafka.KafkaBroker;
import dev.quayside.devstack.kafka.KafkaBrokerResource;
import dev.quayside.events.BuildFinished;
import dev.quayside.events.EventEnvelope;
import dev.quayside.notifier.client.KafkaSentLog;
import dev.quayside.notifier.support.LoopbackReceivers;
import dev.quayside.notifier.support.TestEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A notifier that died before its first acknowledgement: its first start recorded the baseline in the sent log, then it
 * was killed ({@code kill -9}) before it committed any offset. While it was down, two events were published: one whose
 * time is before the baseline (history from before the install) and one after it. Restarted with the SHIPPED offset
 * setting (read from the {@code prod} profile, as production runs) on a group with no committed offset, it notifies
 * the second and skips the first.
 */
@QuarkusTest
@TestProfile(FirstAcknowledgementTest.Profile.class)
class FirstAcknowledgementTest {

    static final String PATH = "/slack/baseline";

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "test.baseline.before-sha")
    String beforeSha;

    @ConfigProperty(name = "test.baseline.after-sha")
    String afterSha;

    LoopbackReceivers receivers;

    @Test
    void anEventAfterTheBaselineIsNotifiedAndOneBeforeItIsSkipped() {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> receivers.at(PATH, afterSha.substring(0, 7)).size() == 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> skipped() >= 1);
        assertThat(receivers.at(PATH, beforeSha.substring(0, 7))).as("the event from before the baseline")
                .isEmpty();
        assertThat(receivers.at(PATH, afterSha.substring(0, 7))).hasSize(1);
    }

    private double skipped() {
        Counter counter = registry.find("quayside.notifier.skipped").tags("reason", "before-baseline").counter();
        return counter == null ? 0 : counter.count();
    }

    /** Only the real broker and {@link Setup}: a fresh group, a fresh sent log, one channel. */
    public static class Profile implements QuarkusTestProfile {

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(KafkaBrokerResource.class), new TestResourceEntry(Setup.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    /**
     * Before the notifier starts: the sent log holds the baseline its first start recorded (one minute ago), and the
     * two events are on the topic; the group has never committed an offset.
     */
    public static class Setup implements QuarkusTestResourceLifecycleManager {

        static final String APP = "baseline-app";
        private LoopbackReceivers receivers;

        @Override
        public Map<String, String> start() {
            String bootstrap = KafkaBroker.sharedBootstrapServers();
            String suffix = UUID.randomUUID().toString();
            String sentTopic = "quayside.notifier.sent.baseline-" + suffix;
            Instant baseline = Instant.now().minusSeconds(60);
            recordBaseline(bootstrap, sentTopic, baseline);

            String beforeSha = TestEvents.sha();
            String afterSha = TestEvents.sha();
            try (TestEvents events = new TestEvents(bootstrap)) {
                events.publish(buildFailed(beforeSha, baseline.minus(Duration.ofHours(1))));
                events.publish(buildFailed(afterSha, baseline.plusSeconds(30)));
            }

            receivers = new LoopbackReceivers();
            Map<String, String> config = new HashMap<>();
            try {
                String shipped = ShippedConsumerSettingsTest.shipped("prod")
                        .getValue("mp.messaging.connector.smallrye-kafka.auto.offset.reset", String.class);
                config.put("mp.messaging.connector.smallrye-kafka.auto.offset.reset", shipped);
            } catch (Exception e) {
                throw new IllegalStateException("could not read the shipped settings", e);
            }
            config.put("mp.messaging.connector.smallrye-kafka.group.id", "quayside-notifier-baseline-" + suffix);
            config.put("quayside.notifier.sent-log.topic", sentTopic);
            config.put("test.baseline.before-sha", beforeSha);
            config.put("test.baseline.after-sha", afterSha);
            // the test profile's explicit baseline is off: the one recorded in the sent log counts
            config.put("quayside.notifier.baseline", "");
            config.put("quayside.notifier.channels.team.type", "slack");
            config.put("quayside.notifier.channels.team.url", receivers.url(PATH));
            config.put("quayside.notifier.rules.failed-builds.types", "build-finished");
            config.put("quayside.notifier.rules.failed-builds.apps", APP);
            config.put("quayside.notifier.rules.failed-builds.channels", "team");
            config.put("quayside.notifier.digest.window", "0");
            config.put("quayside.notifier.digest.remind-every", "0");
            return config;
        }

        /** What the first start wrote before it was killed: the topic, and the baseline under its reserved key. */
        private static void recordBaseline(String bootstrap, String topic, Instant baseline) {
            try (KafkaSentLog firstStart = new KafkaSentLog(bootstrap, topic, Duration.ofDays(7))) {
                firstStart.load(Duration.ofSeconds(30));
            }
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                    new StringSerializer())) {
                producer.send(new ProducerRecord<>(topic, "baseline|", "baseline " + baseline))
                        .get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("could not record the baseline", e);
            }
        }

        private static EventEnvelope<BuildFinished> buildFailed(String sha, Instant at) {
            return EventEnvelope.of(TestEvents.buildFailed(APP, sha), TestEvents.SOURCE,
                    UUID.randomUUID().toString(), UUID.randomUUID().toString(), at);
        }

        @Override
        public void inject(TestInjector injector) {
            injector.injectIntoFields(receivers, new TestInjector.MatchesType(LoopbackReceivers.class));
        }

        @Override
        public void stop() {
            if (receivers != null) {
                receivers.close();
            }
        }
    }
}
