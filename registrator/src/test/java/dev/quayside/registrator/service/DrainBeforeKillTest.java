package dev.quayside.registrator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.registrator.TestContainers;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Drain before kill: the moment the engine delivers a container's stop signal ({@code docker stop --time}, a
 * Marathon kill), its services go into Consul maintenance, so routers stop sending to it while it finishes its
 * requests; they are deregistered when it dies. A signal that does not stop it (a reload's SIGHUP) changes nothing.
 * Docker's own health check moves services in and out of maintenance too. Real dockerd, the Consul stand-in.
 */
class DrainBeforeKillTest extends RealStack {

    @Override
    String hostPrefix() {
        return "dk";
    }

    private Harness registrator() {
        return registrator(null, new Harness.Settings(host, containers.labelFilter(), "always"));
    }

    private String maintenanceCheck(String serviceId) {
        return "_service_maintenance:" + serviceId;
    }

    private boolean inMaintenance(String serviceId) {
        JsonNode check = view.checks().get(maintenanceCheck(serviceId));
        return check != null && "critical".equals(check.path("Status").asText());
    }

    @Test
    void theStopSignalPutsTheServiceInMaintenanceWhileTheContainerStillServes() throws Exception {
        String a = containers.start(new TestContainers.Spec("a").env("DRAIN_SECONDS=4"));
        harness = registrator();
        await().atMost(WAIT).until(() -> view.services(host).keySet().equals(Set.of(id("a"))));
        assertThat(inMaintenance(id("a"))).isFalse();

        CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> containers.stop(a, 30));
        await("in maintenance while it drains").atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> inMaintenance(id("a")));
        assertThat(containers.running(a)).as("the container still runs: maintenance came before the kill").isTrue();
        assertThat(view.checks().get(maintenanceCheck(id("a"))).path("Notes").asText()).contains("stop signal");
        assertThat(view.services(host)).as("still registered while it drains").containsKey(id("a"));

        harness.registrar.submitSync("test").get(20, TimeUnit.SECONDS);
        assertThat(inMaintenance(id("a"))).as("a sync does not bring a draining container back").isTrue();

        stop.get(30, TimeUnit.SECONDS);
        await("deregistered once it died").atMost(WAIT).until(() -> view.services(host).isEmpty());
        assertThat(view.checks()).doesNotContainKey(maintenanceCheck(id("a")));
    }

    @Test
    void aSignalThatDoesNotStopTheContainerLeavesItServed() {
        // httpd with SIGHUP ignored (inherited through exec): a reload signal it survives
        String a = containers.start(new TestContainers.Spec("a")
                .shell("trap '' HUP; exec /bin/busybox httpd -f -p 8080 -h /www"));
        String marker = containers.start(new TestContainers.Spec("m"));
        harness = registrator();
        await().atMost(WAIT).until(() -> view.services(host).keySet().equals(Set.of(id("a"), id("m"))));

        containers.signal(a, "HUP");
        containers.signal(marker, "TERM");
        // signals are handled in order: once the marker's TERM has been, a's HUP has been too
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> inMaintenance(id("m")));
        assertThat(containers.running(a)).isTrue();
        assertThat(inMaintenance(id("a"))).as("SIGHUP is not a stop").isFalse();
    }

    @Test
    void dockersHealthCheckMovesTheServiceInAndOutOfMaintenance() {
        String a = containers.start(new TestContainers.Spec("a").healthCheck(200, "test", "-f", "/www/health"));
        harness = registrator();
        await().atMost(WAIT).until(() -> view.services(host).keySet().equals(Set.of(id("a"))));

        containers.exec(a, "rm", "/www/health");
        await("unhealthy: in maintenance").atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> inMaintenance(id("a")));
        assertThat(view.checks().get(maintenanceCheck(id("a"))).path("Notes").asText()).contains("unhealthy");

        containers.exec(a, "touch", "/www/health");
        await("healthy again: back in rotation").atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> !view.checks().containsKey(maintenanceCheck(id("a"))));
        assertThat(view.services(host)).containsKey(id("a"));
    }

    @Test
    void aContainerAlreadyUnhealthyWhenRegistratorStartsIsRegisteredInMaintenance() {
        String a = containers.start(new TestContainers.Spec("a").healthCheck(200, "test", "-f", "/nonexistent"));
        await("Docker reports it unhealthy").atMost(WAIT).until(() -> "unhealthy".equals(containers.docker()
                .inspectContainerCmd(a).exec().getState().getHealth().getStatus()));
        harness = registrator();
        await().atMost(WAIT).until(() -> view.services(host).containsKey(id("a")) && inMaintenance(id("a")));
    }
}
