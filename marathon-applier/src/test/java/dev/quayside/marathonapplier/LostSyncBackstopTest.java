package dev.quayside.marathonapplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.consul.ConsulStandInResource;
import dev.quayside.devstack.kafka.KafkaBrokerResource;
import dev.quayside.devstack.marathon.MarathonStandInResource;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ServiceDeployed;
import dev.quayside.events.ServiceUpgraded;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * No lost sync (issue #21): a definition that reaches Consul KV without a {@code ConfigSynced} (lost, or announced as
 * failed) is applied by a drift pass once it has stayed so for {@code lost-sync-grace}, with self-heal off — while a
 * change made to Marathon by hand stays drift, reported and not undone ({@code MarathonApplierTest}).
 */
@QuarkusTest
@TestProfile(LostSyncBackstopTest.QuickBackstop.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ConsulStandInResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = MarathonStandInResource.class, restrictToAnnotatedClass = true)
class LostSyncBackstopTest {

    static final String APP = "/staging/backstop";
    static final String FILE = "marathon/staging/backstop.json";

    /** Drift passes every 2 s, a lost sync applied after 4 s; self-heal off (the default). */
    public static class QuickBackstop implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quayside.marathon-applier.drift-interval", "2s",
                    "quayside.marathon-applier.lost-sync-grace", "4s");
        }
    }

    @Inject
    Stack stack;

    @Test
    void aDefinitionInKvThatNoSyncBroughtIsAppliedAfterTheGrace() throws Exception {
        ConfigSyncs.putKv(stack.consul(), FILE, MarathonApplierTest.app(APP, MarathonApplierTest.V1, 1, "/health"));
        EventEnvelope<ConfigSynced> sync = ConfigSyncs.of("b1", List.of(ConfigSyncs.PREFIX + FILE), List.of());
        ConfigSyncs.publish(stack.bootstrap(), sync);
        await().atMost(Duration.ofSeconds(90)).alias("the sync's ServiceDeployed")
                .until(() -> stack.outcomes().all().stream()
                        .anyMatch(e -> sync.chainId().equals(e.chainId()) && e.data() instanceof ServiceDeployed));
        assertThat(DeployedTopic.version(stack.marathon(), APP)).isEqualTo("1.0.0");

        // config-syncer wrote the new definition to KV, and its ConfigSynced never came
        ConfigSyncs.putKv(stack.consul(), FILE, MarathonApplierTest.app(APP, MarathonApplierTest.V2, 1, "/health"));
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().alias("the backstop deploys 2.0.0")
                .untilAsserted(() -> assertThat(DeployedTopic.version(stack.marathon(), APP)).isEqualTo("2.0.0"));
        await().atMost(Duration.ofSeconds(30)).alias("the backstop's ServiceUpgraded")
                .until(() -> stack.outcomes().all().stream()
                        .anyMatch(e -> e.data() instanceof ServiceUpgraded u && !u.unchanged()
                                && APP.equals(u.deployment().targetId())
                                && MarathonApplierTest.V2.equals(u.deployment().image())));
    }
}
