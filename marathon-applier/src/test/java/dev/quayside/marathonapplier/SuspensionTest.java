package dev.quayside.marathonapplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.consul.ConsulStandInResource;
import dev.quayside.devstack.kafka.KafkaBrokerResource;
import dev.quayside.devstack.marathon.MarathonStandInResource;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.PipelineEvent;
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
 * A suspended app ({@code quayside/suspended/<app>/<environment>} in KV, as config-syncer's mirror writes it from
 * {@code quayside.yml}) is not applied by a sync — the chain ends with one {@code DeploymentFailed} reason
 * {@code SUSPENDED} — nor by the drift pass (self-heal on, a pass every 2 s, a 1 s lost-sync grace), which reports it
 * as suspended, not as drift; once resumed, the sync that lists its definition applies it. Real Kafka broker, Consul
 * and Marathon stand-ins, real containers of the sample app.
 */
@QuarkusTest
@TestProfile(SuspensionTest.Frozen.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ConsulStandInResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = MarathonStandInResource.class, restrictToAnnotatedClass = true)
class SuspensionTest {

    static final String FILE = "marathon/frozen/web.json";
    static final String APP = "/frozen/web";
    static final String KEY = "quayside/suspended/web/frozen";
    static final Duration DRIFT_INTERVAL = Duration.ofSeconds(2);

    /** The {@code frozen} environment: self-heal on, drift passes every 2 s, a short lost-sync grace. */
    public static class Frozen implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quayside.marathon-applier.environments.frozen.self-heal", "true",
                    "quayside.marathon-applier.drift-interval", DRIFT_INTERVAL.toSeconds() + "s",
                    "quayside.marathon-applier.lost-sync-grace", "1s");
        }
    }

    @Inject
    Stack stack;

    @Test
    void aSuspendedAppIsNeitherAppliedNorSelfHealedAndIsAppliedWhenResumed() throws Exception {
        ConfigSyncs.putKv(stack.consul(), FILE, MarathonApplierTest.app(APP, MarathonApplierTest.V1, 1, "/health"));
        EventEnvelope<ConfigSynced> first = sync(null, "s0");
        stack.outcomes().awaitOutcome(PipelineEvent.class, first);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .untilAsserted(() -> assertThat(DeployedTopic.version(stack.marathon(), APP)).isEqualTo("1.0.0"));
        await().atMost(Duration.ofSeconds(60)).until(() -> DeployedTopic.deploymentsOf(stack.marathon(), APP).isEmpty());

        // suspended in the commit that also changes the definition (the mirror writes both in one transaction)
        ConfigSyncs.putKey(stack.consul(), KEY, "s1");
        ConfigSyncs.putKv(stack.consul(), FILE, MarathonApplierTest.app(APP, MarathonApplierTest.V2, 1, "/health"));
        int versions = DeployedTopic.versions(stack.marathon(), APP).size();
        EventEnvelope<ConfigSynced> suspended = sync("s0", "s1");
        DeploymentFailed refused = stack.outcomes().awaitOutcome(DeploymentFailed.class, suspended);
        assertThat(refused.reason()).isEqualTo(DeploymentFailed.Reason.SUSPENDED);
        assertThat(refused.message()).isEqualTo("not applied: web is suspended in frozen (quayside.yml, since s1)");
        assertThat(refused.file()).isEqualTo(FILE);
        assertThat(refused.deployment().targetId()).isEqualTo(APP);
        assertThat(refused.deployment().image()).isEqualTo(MarathonApplierTest.V2);

        // more than three drift passes (self-heal on, the definition handled by no sync): never applied
        await().during(DRIFT_INTERVAL.multipliedBy(4)).atMost(DRIFT_INTERVAL.multipliedBy(6)).untilAsserted(() -> {
            assertThat(DeployedTopic.versions(stack.marathon(), APP)).as("versions of " + APP).hasSize(versions);
            assertThat(DeployedTopic.deploymentsOf(stack.marathon(), APP)).isEmpty();
        });
        assertThat(DeployedTopic.version(stack.marathon(), APP)).isEqualTo("1.0.0");
        assertThat(stack.outcomes().ofChain(suspended.chainId())).as("the chain ends once, suspended")
                .containsExactly(refused);
        // the drift pass reports it as suspended, once, and never as drift (the broker may be shared with other
        // test classes: only this class's environment counts)
        List<DeploymentFailed> reports = stack.outcomes().all().stream().filter(e -> e.chainId() == null
                || !e.chainId().equals(suspended.chainId())).map(EventEnvelope::data)
                .filter(e -> e instanceof DeploymentFailed f && APP.equals(f.deployment().targetId()))
                .map(DeploymentFailed.class::cast).toList();
        assertThat(reports).extracting(DeploymentFailed::reason).containsExactly(DeploymentFailed.Reason.SUSPENDED);
        assertThat(reports.get(0).message()).isEqualTo("what runs differs from " + FILE
                + ", not corrected: web is suspended in frozen (quayside.yml, since s1)");

        // resumed: the mirror deletes the key and lists the definition; it is applied
        ConfigSyncs.deleteKey(stack.consul(), KEY);
        EventEnvelope<ConfigSynced> resumed = sync("s1", "s2");
        ServiceUpgraded upgraded = stack.outcomes().awaitOutcome(ServiceUpgraded.class, resumed);
        assertThat(upgraded.unchanged()).isFalse();
        assertThat(DeployedTopic.version(stack.marathon(), APP)).isEqualTo("2.0.0");
        assertThat(stack.outcomes().ofChain(resumed.chainId())).noneMatch(e -> e instanceof DeploymentFailed
                || e instanceof ServiceDeployed);
    }

    EventEnvelope<ConfigSynced> sync(String from, String commit) throws Exception {
        EventEnvelope<ConfigSynced> sync = ConfigSyncs.of(from, commit, List.of(ConfigSyncs.PREFIX + FILE), List.of());
        ConfigSyncs.publish(stack.bootstrap(), sync);
        return sync;
    }
}
