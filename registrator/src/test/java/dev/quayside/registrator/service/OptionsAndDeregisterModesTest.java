package dev.quayside.registrator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.model.ExposedPort;
import dev.quayside.events.ContainerStopped;
import dev.quayside.registrator.TestContainers;
import dev.quayside.registrator.TestContainers.Spec;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Registrator's options on real containers: {@code explicit}, {@code internal}, {@code deregister=on-success}. */
class OptionsAndDeregisterModesTest extends RealStack {

    @Override
    String hostPrefix() {
        return "op";
    }

    @Test
    void explicitRegistersOnlyContainersWithServiceName() {
        harness = registrator(null, new Harness.Settings(host, containers.labelFilter(), "always", false, true));
        containers.start(new Spec("anonymous"));
        containers.start(new Spec("named").env("SERVICE_NAME=named"));
        await().atMost(WAIT).until(() -> view.services(host).containsKey(id("named")));
        harness.registrar.submitSync("test").join();
        assertThat(view.services(host).keySet()).containsExactly(id("named"));
    }

    @Test
    void internalRegistersTheContainerAddressAndExposedPorts() {
        harness = registrator(null, new Harness.Settings(host, containers.labelFilter(), "always", true, false));
        String id = containers.start(new Spec("inside").noPublish().exposeOnly(ExposedPort.tcp(9090)));
        String containerIp = containers.docker().inspectContainerCmd(id).exec().getNetworkSettings().getNetworks()
                .values().iterator().next().getIpAddress();
        String web = host + ":" + containers.containerName("inside") + ":8080";
        String admin = host + ":" + containers.containerName("inside") + ":9090";
        await().atMost(WAIT).until(() -> view.services(host).keySet().equals(Set.of(web, admin)));
        JsonNode service = view.services().get(web);
        assertThat(service.path("Address").asText()).isEqualTo(containerIp); // registered, never connected to
        assertThat(service.path("Port").asInt()).isEqualTo(8080);
        assertThat(service.path("Service").asText()).isEqualTo("sample-app-8080");
        assertThat(view.services().get(admin).path("Port").asInt()).isEqualTo(9090);
    }

    @Test
    void onSuccessKeepsFailedContainersUntilRemovedAndDropsCleanExitsAndSignals() {
        harness = registrator(null, new Harness.Settings(host, containers.labelFilter(), "on-success"));
        String fails = containers.create(new Spec("fails").shell("sleep 4; exit 3"));
        String succeeds = containers.create(new Spec("succeeds").shell("sleep 4; exit 0"));
        String killed = containers.start(new Spec("killed"));
        containers.docker().startContainerCmd(fails).exec();
        containers.docker().startContainerCmd(succeeds).exec();
        await().atMost(WAIT).until(() -> view.services(host).keySet()
                .equals(Set.of(id("fails"), id("succeeds"), id("killed"))));
        containers.kill(killed);
        await().atMost(WAIT).until(() -> view.services(host).keySet().equals(Set.of(id("fails"))));
        assertThat(containers.docker().inspectContainerCmd(fails).exec().getState().getExitCodeLong())
                .isEqualTo(3L);
        harness.registrar.submitSync("test").join();
        assertThat(view.services(host).keySet()).as("a resync keeps it too").containsExactly(id("fails"));
        assertThat(harness.events).filteredOn(e -> e.data() instanceof ContainerStopped)
                .extracting(e -> ((ContainerStopped) e.data()).exitCode()).containsExactlyInAnyOrder(0, 137);

        containers.remove(fails);
        await().atMost(WAIT).until(() -> view.services(host).isEmpty());
    }
}
