package dev.quayside.marathonapplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.consul.ConsulStandInResource;
import dev.quayside.devstack.kafka.KafkaBrokerResource;
import dev.quayside.devstack.marathon.MarathonStandInResource;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.EventCodec;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.PipelineEvent;
import dev.quayside.kit.kafka.CompactedTopicMap;
import dev.quayside.kit.kafka.CompactedTopicMaps;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The rolled-back guard is durable and shared: another instance (here, one that rolled a definition back and then died)
 * recorded in {@code quayside.marathon-applier.definitions} that the definition KV still holds was rolled back; this
 * instance, with self-heal on, never sends it to Marathon — over more than three drift passes and the lost-sync grace
 * — and reports the drift as a rolled-back definition. Real Kafka broker, Consul and Marathon stand-ins, real
 * containers of the sample app.
 */
@QuarkusTest
@TestProfile(DurableGuardTest.Durable.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ConsulStandInResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = MarathonStandInResource.class, restrictToAnnotatedClass = true)
class DurableGuardTest {

    static final String FILE = "marathon/durable/web.json";
    static final String APP = "/durable/web";
    static final String TOPIC = "quayside.marathon-applier.definitions";
    static final Duration DRIFT_INTERVAL = Duration.ofSeconds(2);

    /** The {@code durable} environment: rollback and self-heal on. */
    public static class Durable implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quayside.marathon-applier.environments.durable.rollback", "true",
                    "quayside.marathon-applier.environments.durable.self-heal", "true",
                    "quayside.marathon-applier.drift-interval", DRIFT_INTERVAL.toSeconds() + "s");
        }
    }

    @Inject
    Stack stack;
    @ConfigProperty(name = "quayside.marathon-applier.lost-sync-grace")
    Duration grace;

    @Test
    void aDefinitionAnotherInstanceRolledBackIsNeverReapplied() throws Exception {
        ConfigSyncs.putKv(stack.consul(), FILE, MarathonApplierTest.app(APP, MarathonApplierTest.V1, 1, "/health"));
        EventEnvelope<ConfigSynced> first = ConfigSyncs.of(null, "d1", List.of(ConfigSyncs.PREFIX + FILE), List.of());
        ConfigSyncs.publish(stack.bootstrap(), first);
        stack.outcomes().awaitOutcome(PipelineEvent.class, first);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .untilAsserted(() -> assertThat(DeployedTopic.version(stack.marathon(), APP)).isEqualTo("1.0.0"));
        int versions = versions().size();

        // an instance rolled this definition back, recorded so, and was killed before the write-back reached KV
        String failing = MarathonApplierTest.app(APP, MarathonApplierTest.V2, 1, "/no-such-page");
        String key = ConfigSyncs.PREFIX + FILE;
        try (CompactedTopicMap previous = CompactedTopicMaps.of(Map.of("bootstrap.servers", stack.bootstrap()))
                .open(CompactedTopicMap.Options.of(TOPIC), null)) {
            previous.putAndAwait(key, key, "{\"sha256\":\"" + sha256(failing) + "\",\"outcome\":\"rolled-back\"}");
        }
        ConfigSyncs.putKv(stack.consul(), FILE, failing);

        // more than three drift passes and the lost-sync grace: it is never sent to Marathon
        Duration watch = grace.plus(DRIFT_INTERVAL.multipliedBy(4));
        await().during(watch).atMost(watch.plus(DRIFT_INTERVAL.multipliedBy(2))).untilAsserted(() -> {
            assertThat(DeployedTopic.deploymentsOf(stack.marathon(), APP)).as("deployments of " + APP).isEmpty();
            assertThat(versions()).as("versions of " + APP).hasSize(versions);
        });
        assertThat(DeployedTopic.version(stack.marathon(), APP)).isEqualTo("1.0.0");
        DeploymentFailed drift = await().atMost(DRIFT_INTERVAL.multipliedBy(3))
                .until(() -> stack.outcomes().all().stream()
                        .map(EventEnvelope::data).filter(e -> e instanceof DeploymentFailed f
                                && f.reason() == DeploymentFailed.Reason.DRIFT && APP.equals(f.deployment().targetId()))
                        .map(DeploymentFailed.class::cast).findFirst().orElse(null), java.util.Objects::nonNull);
        assertThat(drift.message()).contains("rolled back").contains("not re-applied");
    }

    /** The record's content address: SHA-256 of the definition's compact JSON. */
    static String sha256(String definition) throws Exception {
        String compact = EventCodec.mapper().writeValueAsString(EventCodec.mapper().readTree(definition));
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(compact.getBytes(StandardCharsets.UTF_8)));
    }

    List<String> versions() throws Exception {
        return DeployedTopic.versions(stack.marathon(), APP);
    }
}
