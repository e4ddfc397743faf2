package dev.quayside.marathonapplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.consul.ConsulStandInResource;
import dev.quayside.devstack.kafka.KafkaBrokerResource;
import dev.quayside.devstack.marathon.MarathonStandInResource;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.EventIds;
import dev.quayside.events.EventType;
import dev.quayside.events.ServiceDeployed;
import dev.quayside.events.Topics;
import dev.quayside.events.kafka.EventDeserializer;
import dev.quayside.events.kafka.EventSerializer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Outages that outlast the retries: the Marathon and Chronos of the {@code outage} environment are on a loopback port
 * nobody listens on, the {@code staging} ones are the stand-ins. A sync that touches both announces every definition
 * it could not apply as {@link DeploymentFailed} (once each, in the sync's chain), keeps the success of the one it
 * applied, and is dead-lettered for a replay.
 */
@QuarkusTest
@TestProfile(OutageTest.OutageEnvironment.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ConsulStandInResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = MarathonStandInResource.class, restrictToAnnotatedClass = true)
class OutageTest {

    static final int CLOSED_PORT = closedPort();
    static final String PREFIX = ConfigSyncs.PREFIX;
    static final String DLQ = Topics.deadLetter("marathon-applier");

    /** The {@code outage} environment's Marathon and Chronos on a closed port; two quick retries; no drift pass. */
    public static class OutageEnvironment implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            String nobody = "http://127.0.0.1:" + CLOSED_PORT;
            return Map.of(
                    "quayside.marathon-applier.environments.outage.marathon-url", nobody,
                    "quayside.marathon-applier.environments.outage.chronos-url", nobody,
                    "quayside.marathon-applier.retry.max-retries", "2",
                    "quayside.marathon-applier.retry.initial-delay", "100ms",
                    "quayside.marathon-applier.drift-interval", "off");
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "quayside.consul.url")
    String consul;

    static final List<ConsumerRecord<String, byte[]>> RECEIVED = new CopyOnWriteArrayList<>();
    static Thread listener;
    static volatile boolean listening = true;

    @AfterAll
    static void stopListening() throws InterruptedException {
        listening = false;
        if (listener != null) {
            listener.join(5000);
        }
    }

    @Test
    void anOutageBeyondTheRetriesIsAnnouncedPerDefinitionAndDeadLettered() throws Exception {
        listen();
        String job = "{\"name\":\"outage-report\",\"command\":\"true\",\"schedule\":\"R/2030-01-01T00:00:00Z/PT24H\","
                + "\"owner\":\"ops@example.org\"}";
        ConfigSyncs.putKv(consul, "chronos/staging/outage-report.json", job);
        ConfigSyncs.putKv(consul, "marathon/outage/web.json",
                MarathonApplierTest.app("/outage/web", "busybox:latest", 1, "/health"));
        ConfigSyncs.putKv(consul, "chronos/outage/cleanup.json", job.replace("outage-report", "cleanup"));
        List<String> keys = List.of(PREFIX + "chronos/staging/outage-report.json", PREFIX + "marathon/outage/web.json",
                PREFIX + "chronos/outage/cleanup.json");
        EventEnvelope<ConfigSynced> sync = ConfigSyncs.of("o1", keys, List.of());
        ConfigSyncs.publish(bootstrap, sync);

        await().atMost(Duration.ofSeconds(60)).until(() -> deadLettered(sync.key()) != null);
        ConsumerRecord<String, byte[]> dead = deadLettered(sync.key());
        byte[] original = new EventSerializer().serialize(Topics.CONFIG_SYNCED, new RecordHeaders(), sync);
        assertThat(dead.value()).as("the original record, for a replay").isEqualTo(original);
        assertThat(header(dead, "dead-letter-reason")).contains("127.0.0.1:" + CLOSED_PORT).contains("(3 attempts)");

        // the applied job keeps its success; each definition that was not applied is announced once, in the chain
        await().atMost(Duration.ofSeconds(10)).until(() -> outcomes(sync).size() == 3);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> outcomes(sync).size() == 3);
        List<EventEnvelope<?>> outcomes = outcomes(sync);
        assertThat(outcomes).filteredOn(e -> e.data() instanceof ServiceDeployed).singleElement()
                .satisfies(e -> assertThat(((ServiceDeployed) e.data()).deployment().targetId()).isEqualTo("outage-report"));
        List<EventEnvelope<?>> failures = outcomes.stream().filter(e -> e.data() instanceof DeploymentFailed).toList();
        assertThat(failures).hasSize(2).allSatisfy(e -> {
            DeploymentFailed failed = (DeploymentFailed) e.data();
            assertThat(failed.reason()).isEqualTo(DeploymentFailed.Reason.ERROR);
            assertThat(failed.message()).startsWith("not applied: ").contains("did not answer")
                    .contains("(3 attempts)");
            assertThat(failed.deployment().environment()).isEqualTo("outage");
            assertThat(e.chainId()).isEqualTo(sync.chainId());
            assertThat(e.id()).as("deterministic per sync and definition, so a replay is recognised")
                    .isEqualTo(EventIds.of(EventType.DEPLOYMENT_FAILED, "deploy/main", sync.id(),
                            PREFIX + failed.file(), "outcome"));
        });
        assertThat(failures).extracting(e -> ((DeploymentFailed) e.data()).file())
                .containsExactlyInAnyOrder("marathon/outage/web.json", "chronos/outage/cleanup.json");
        assertThat(failures).extracting(e -> ((DeploymentFailed) e.data()).deployment().targetId())
                .containsExactlyInAnyOrder("/outage/web", "cleanup");
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    void listen() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "applier-outage-test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        listener = new Thread(() -> {
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(Topics.DEPLOYED, DLQ));
                while (listening) {
                    consumer.poll(Duration.ofMillis(200)).forEach(RECEIVED::add);
                }
            }
        }, "outage-listener");
        listener.setDaemon(true);
        listener.start();
    }

    static List<EventEnvelope<?>> outcomes(EventEnvelope<ConfigSynced> sync) {
        EventDeserializer deserializer = new EventDeserializer();
        return RECEIVED.stream().filter(r -> r.topic().equals(Topics.DEPLOYED))
                .<EventEnvelope<?>>map(r -> deserializer.deserialize(r.topic(), r.headers(), r.value()).envelope())
                .filter(e -> sync.chainId().equals(e.chainId())).toList();
    }

    static ConsumerRecord<String, byte[]> deadLettered(String key) {
        return RECEIVED.stream().filter(r -> r.topic().equals(DLQ) && key.equals(r.key())).findFirst().orElse(null);
    }

    static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
