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
import dev.quayside.events.ServiceRolledBack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Self-heal never re-applies a definition that was rolled back: in the {@code healing} environment (rollback and
 * self-heal on, a drift pass every 2 s) a definition whose health check never passes is rolled back, is then reported
 * as drift at most — never sent to Marathon again — over more than three drift passes, and a new definition in KV
 * lifts the guard; the same sync announced again is not applied either. Real Kafka broker, Consul and Marathon
 * stand-ins, real containers of the sample app.
 */
@QuarkusTest
@TestProfile(SelfHealGuardTest.Healing.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ConsulStandInResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = MarathonStandInResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "deploymentTimeoutSeconds", value = "12"))
class SelfHealGuardTest {

    static final String FILE = "marathon/healing/web.json";
    static final String APP = "/healing/web";
    static final Duration DRIFT_INTERVAL = Duration.ofSeconds(2);

    /** The {@code healing} environment: rollback and self-heal on. */
    public static class Healing implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quayside.marathon-applier.environments.healing.rollback", "true",
                    "quayside.marathon-applier.environments.healing.self-heal", "true",
                    "quayside.marathon-applier.drift-interval", DRIFT_INTERVAL.toSeconds() + "s");
        }
    }

    @Inject
    Stack stack;

    @Test
    void aRolledBackDefinitionIsNeverReappliedUntilANewOneReplacesIt() throws Exception {
        ConfigSyncs.putKv(stack.consul(), FILE, MarathonApplierTest.app(APP, MarathonApplierTest.V1, 1, "/health"));
        // applied by the sync or, when a drift pass sees it first, by self-heal (the sync then finds it unchanged)
        EventEnvelope<ConfigSynced> first = sync(null, "h1");
        stack.outcomes().awaitOutcome(PipelineEvent.class, first);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> assertThat(version()).isEqualTo("1.0.0"));

        String failing = MarathonApplierTest.app(APP, MarathonApplierTest.V2, 1, "/no-such-page");
        ConfigSyncs.putKv(stack.consul(), FILE, failing);
        EventEnvelope<ConfigSynced> second = sync("h1", "h2");
        assertThat(stack.outcomes().awaitOutcome(DeploymentFailed.class, second).reason())
                .isEqualTo(DeploymentFailed.Reason.HEALTH_CHECK);
        ServiceRolledBack rolledBack = stack.outcomes().awaitOutcome(ServiceRolledBack.class, second);
        await().atMost(Duration.ofSeconds(60)).until(() -> deployments().isEmpty());
        assertThat(version()).isEqualTo("1.0.0");
        int versions = versions().size();

        // the same sync announced again in another chain (config-syncer announces a write-back's sync in the
        // write-back's chain when another chain mirrored it first), or redelivered: the rolled-back definition is not
        // sent again, and that chain ends with why
        EventEnvelope<ConfigSynced> again = sync("h1", "h2");
        DeploymentFailed refused = stack.outcomes().awaitOutcome(DeploymentFailed.class, again);
        assertThat(refused.reason()).isEqualTo(DeploymentFailed.Reason.ERROR);
        assertThat(refused.message()).contains("rolled back").contains("not applied");
        assertThat(refused.deployment().targetId()).isEqualTo(APP);
        assertThat(versions()).as("versions of " + APP + " after the second announcement").hasSize(versions);

        // KV still holds the failing definition: more than three drift passes, and it is never sent again
        await().during(DRIFT_INTERVAL.multipliedBy(4)).atMost(DRIFT_INTERVAL.multipliedBy(6)).untilAsserted(() -> {
            assertThat(deployments()).as("deployments of " + APP).isEmpty();
            assertThat(versions()).as("versions of " + APP).hasSize(versions);
        });
        assertThat(version()).isEqualTo("1.0.0");
        // reported as drift, once
        DeploymentFailed drift = stack.outcomes().all().stream().map(EventEnvelope::data)
                .filter(e -> e instanceof DeploymentFailed f && f.reason() == DeploymentFailed.Reason.DRIFT
                        && f.deployment().targetId().equals(APP)).map(DeploymentFailed.class::cast).findFirst()
                .orElseThrow(() -> new AssertionError("no drift reported for " + APP + ": " + stack.outcomes().all()));
        assertThat(drift.message()).contains("rolled back").contains("not re-applied");

        // the rollback says where the failing definition came from, for config-syncer's write-back
        assertThat(rolledBack.configRepository()).isEqualTo("deploy");
        assertThat(rolledBack.branch()).isEqualTo("main");
        assertThat(rolledBack.file()).isEqualTo(FILE);
        assertThat(rolledBack.failedCommit()).isEqualTo("h2");
        assertThat(rolledBack.restoreCommit()).isEqualTo("h1");
        assertThat(rolledBack.healthCheck()).contains("/no-such-page");

        // a new definition (a new commit) lifts the guard: the drift pass applies it
        ConfigSyncs.putKv(stack.consul(), FILE, MarathonApplierTest.app(APP, MarathonApplierTest.V2, 1, "/health"));
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> assertThat(version()).isEqualTo("2.0.0"));
    }

    EventEnvelope<ConfigSynced> sync(String from, String commit) throws Exception {
        EventEnvelope<ConfigSynced> sync = ConfigSyncs.of(from, commit, List.of(ConfigSyncs.PREFIX + FILE), List.of());
        ConfigSyncs.publish(stack.bootstrap(), sync);
        return sync;
    }

    String version() throws Exception {
        return DeployedTopic.version(stack.marathon(), APP);
    }

    List<String> deployments() throws Exception {
        return DeployedTopic.deploymentsOf(stack.marathon(), APP);
    }

    List<String> versions() throws Exception {
        return DeployedTopic.versions(stack.marathon(), APP);
    }
}
