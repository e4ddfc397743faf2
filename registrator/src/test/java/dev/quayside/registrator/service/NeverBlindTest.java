package dev.quayside.registrator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quayside.events.ContainerStarted;
import dev.quayside.events.ContainerStopped;
import dev.quayside.events.EventEnvelope;
import dev.quayside.registrator.DockerSocketProxy;
import dev.quayside.registrator.TestContainers;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Registrator's blind spots, closed: a registrator killed while containers stop, then started again, leaves the catalog
 * exact; an event stream that drops (the engine restarting) is reconnected, and what happened meanwhile is caught up.
 * Real dockerd (behind a proxy the test can cut), the devstack Consul stand-in.
 */
class NeverBlindTest extends RealStack {

    @Override
    String hostPrefix() {
        return "nb";
    }

    Harness registrator(String dockerHost) {
        return registrator(dockerHost, new Harness.Settings(host, containers.labelFilter(), "always"));
    }

    @Test
    void killedAndRestartedWithContainersStoppedMeanwhileLeavesTheCatalogExact() {
        String a = containers.start(new TestContainers.Spec("a"));
        String b = containers.start(new TestContainers.Spec("b"));
        String c = containers.start(new TestContainers.Spec("c"));
        harness = registrator(null);
        await().atMost(WAIT).until(() -> view.services(host).keySet().equals(Set.of(id("a"), id("b"), id("c"))));

        harness.kill();
        harness = null;
        containers.stop(a);
        containers.remove(b);
        String d = containers.start(new TestContainers.Spec("d"));
        // another host's registration and a non-registrator service must survive the cleanup
        view.register("{\"ID\":\"other-host:x:8080\",\"Name\":\"x\",\"Port\":1}");
        view.register("{\"ID\":\"" + host + "-db\",\"Name\":\"db\",\"Port\":2}");
        assertThat(view.services(host)).as("stale while registrator is down").containsKeys(id("a"), id("b"));

        harness = registrator(null);
        await().atMost(WAIT).until(() -> view.services(host + ":").keySet().equals(Set.of(id("c"), id("d"))));
        assertThat(view.services()).containsKeys("other-host:x:8080", host + "-db");
        assertThat(harness.events).filteredOn(e -> e.data() instanceof ContainerStopped)
                .extracting(e -> ((ContainerStopped) e.data()).container().serviceId())
                .containsExactlyInAnyOrder(id("a"), id("b"));
        assertThat(harness.events).filteredOn(e -> e.data() instanceof ContainerStarted)
                .extracting(e -> ((ContainerStarted) e.data()).container().serviceId())
                .containsExactlyInAnyOrder(id("c"), id("d"));
        assertThat(d).isNotNull();
        assertThat(c).isNotNull();
    }

    @Test
    void eventStreamDropIsReconnectedAndWhatHappenedMeanwhileIsCaughtUp() throws Exception {
        try (DockerSocketProxy proxy = new DockerSocketProxy(Path.of("/var/run/docker.sock")).start()) {
            String a = containers.start(new TestContainers.Spec("a"));
            harness = registrator(proxy.dockerHost());
            await().atMost(WAIT).until(() -> harness.follower.connected()
                    && view.services(host).keySet().equals(Set.of(id("a"))));

            proxy.stop(); // the engine "restarts": stream cut, nothing answers
            await().atMost(WAIT).until(() -> !harness.follower.connected());
            containers.stop(a);
            String b = containers.start(new TestContainers.Spec("b"));
            Thread.sleep(1500); // a few failed reconnects with back-off
            assertThat(harness.follower.connected()).isFalse();
            assertThat(view.services(host).keySet()).as("blind while the engine is away").containsExactly(id("a"));

            proxy.start();
            await().atMost(WAIT).until(() -> harness.follower.connected()
                    && view.services(host).keySet().equals(Set.of(id("b"))));
            assertThat(harness.meters.counter("quayside.registrator.stream.reconnects").count())
                    .isGreaterThanOrEqualTo(2);

            // and it follows events again after the reconnect
            String c = containers.start(new TestContainers.Spec("c"));
            await().atMost(WAIT).until(() -> view.services(host).keySet().equals(Set.of(id("b"), id("c"))));
            containers.kill(c);
            await().atMost(WAIT).until(() -> view.services(host).keySet().equals(Set.of(id("b"))));
            assertThat(b).isNotNull();
            EventEnvelope<?> last = harness.events.get(harness.events.size() - 1);
            assertThat(last.data()).isInstanceOf(ContainerStopped.class);
            assertThat(((ContainerStopped) last.data()).exitCode()).isEqualTo(137);
        }
    }
}
