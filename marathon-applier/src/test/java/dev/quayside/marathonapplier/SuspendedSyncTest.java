package dev.quayside.marathonapplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.consul.ConsulStandInResource;
import dev.quayside.devstack.kafka.KafkaBrokerResource;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.EventEnvelope;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A sync of a suspended app's definition (Marathon or Chronos, put or deleted) is neither applied nor removed and its
 * chain ends with exactly one {@code DeploymentFailed} reason {@code SUSPENDED}: nothing is sent to Marathon or
 * Chronos, which here answer nowhere (a port nobody listens on, retries cut to 2 s, so any call would end as
 * {@code ERROR}). Real Kafka broker and Consul stand-in. {@link SuspensionTest} covers the drift pass and the resume
 * against the Marathon stand-in.
 */
@QuarkusTest
@TestProfile(SuspendedSyncTest.NoPlatform.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ConsulStandInResource.class, restrictToAnnotatedClass = true)
class SuspendedSyncTest {

    /** Marathon and Chronos at a closed port of 127.0.0.1, no drift pass, a 2 s retry budget. */
    public static class NoPlatform implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String nowhere = "http://127.0.0.1:" + closedPort();
            return Map.of("quayside.marathon.url", nowhere, "quayside.chronos.url", nowhere,
                    "quayside.marathon-applier.drift-interval", "off",
                    "quayside.marathon-applier.retry.max-duration", "2s",
                    "quayside.marathon-applier.retry.initial-delay", "100ms");
        }

        private static int closedPort() {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "quayside.consul.url")
    String consul;

    final Outcomes outcomes = new Outcomes();

    @BeforeEach
    void listen() {
        outcomes.listen(bootstrap);
    }

    @AfterEach
    void stop() throws InterruptedException {
        outcomes.stop();
    }

    @Test
    void aSuspendedDefinitionIsNeitherAppliedNorRemovedAndItsChainEndsOnceSuspended() throws Exception {
        String web = "marathon/paused/web.json";
        String job = "chronos/paused/web.json";
        String gone = "marathon/paused/old.json";
        ConfigSyncs.putKey(consul, "quayside/suspended/web/paused", "c1");
        ConfigSyncs.putKey(consul, "quayside/suspended/old/paused", "c0");
        ConfigSyncs.putKv(consul, web, MarathonApplierTest.app("/paused/web", MarathonApplierTest.V2, 1, "/health"));
        ConfigSyncs.putKv(consul, job, "{\"name\":\"web-job\",\"schedule\":\"R/2026-01-01T00:00:00Z/PT1H\","
                + "\"container\":{\"type\":\"DOCKER\",\"image\":\"r/web:2\"},\"command\":\"run\"}");
        EventEnvelope<ConfigSynced> sync = ConfigSyncs.of("c0", "c1", List.of(ConfigSyncs.PREFIX + web,
                ConfigSyncs.PREFIX + job), List.of(ConfigSyncs.PREFIX + gone));
        ConfigSyncs.publish(bootstrap, sync);

        await().atMost(Duration.ofSeconds(60)).until(() -> outcomes.ofChain(sync.chainId()).size() >= 3);
        // past the 2 s retry budget: a call to the platform would have ended as ERROR by now
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6))
                .until(() -> outcomes.ofChain(sync.chainId()).size() == 3);
        List<DeploymentFailed> ends = outcomes.ofChain(sync.chainId()).stream().map(DeploymentFailed.class::cast)
                .toList();
        assertThat(ends).extracting(DeploymentFailed::reason).containsOnly(DeploymentFailed.Reason.SUSPENDED);
        assertThat(ends).extracting(DeploymentFailed::file).containsExactlyInAnyOrder(web, job, gone);
        assertThat(ends).extracting(DeploymentFailed::message).containsExactlyInAnyOrder(
                "not applied: web is suspended in paused (quayside.yml, since c1)",
                "not applied: web is suspended in paused (quayside.yml, since c1)",
                "not removed: old is suspended in paused (quayside.yml, since c0)");
        DeploymentFailed marathon = ends.stream().filter(e -> e.file().equals(web)).findFirst().orElseThrow();
        assertThat(marathon.deployment().targetId()).isEqualTo("/paused/web");
        assertThat(marathon.deployment().image()).isEqualTo(MarathonApplierTest.V2);
        assertThat(marathon.deployment().environment()).isEqualTo("paused");
        DeploymentFailed chronos = ends.stream().filter(e -> e.file().equals(job)).findFirst().orElseThrow();
        assertThat(chronos.deployment().targetId()).isEqualTo("web-job");
        assertThat(chronos.deployment().image()).isEqualTo("r/web:2");
    }
}
