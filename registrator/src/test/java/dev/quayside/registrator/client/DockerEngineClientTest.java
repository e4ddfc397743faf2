package dev.quayside.registrator.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.ExposedPort;
import dev.quayside.registrator.TestContainers;
import dev.quayside.registrator.client.DockerEngineClient.ContainerEvent;
import dev.quayside.registrator.service.ContainerFacts;
import dev.quayside.registrator.service.ServiceRegistration;
import dev.quayside.registrator.service.NamingRules;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.Closeable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Docker side against the real engine: inspect into facts, the event stream and its end. */
class DockerEngineClientTest {

    static TestContainers containers;
    static DockerEngineClient docker;

    @BeforeAll
    static void start() {
        containers = new TestContainers();
        docker = new DockerEngineClient(Optional.empty(), Duration.ofSeconds(10),
                Optional.of(containers.labelFilter()), new SimpleMeterRegistry());
    }

    @AfterAll
    static void stop() {
        containers.close();
        docker.close();
    }

    @Test
    void inspectGivesTheFactsTheRulesNeed() {
        String id = containers.start(new TestContainers.Spec("facts").env("SERVICE_NAME=facts")
                .label("SERVICE_TAGS", "x").port(ExposedPort.udp(5353)).exposeOnly(ExposedPort.tcp(7070)));
        ContainerFacts facts = docker.inspect(id).orElseThrow();
        assertThat(facts.name()).isEqualTo(containers.containerName("facts"));
        assertThat(facts.image()).isEqualTo(TestContainers.IMAGE);
        assertThat(facts.env()).contains("SERVICE_NAME=facts");
        assertThat(facts.labels()).containsEntry("SERVICE_TAGS", "x");
        assertThat(facts.exposedPorts()).contains("8080/tcp", "5353/udp", "7070/tcp");
        assertThat(facts.publishedPorts().get("8080/tcp")).singleElement()
                .satisfies(b -> assertThat(b.hostIp()).isEqualTo("127.0.0.1"))
                .satisfies(b -> assertThat(Integer.parseInt(b.hostPort())).isEqualTo(containers.hostPort(id, 8080)));
        assertThat(facts.publishedPorts().get("7070/tcp")).as("exposed, not published").isEmpty();
        assertThat(facts.running()).isTrue();
        assertThat(docker.runningContainerIds()).contains(id);
        assertThat(docker.inspect("no-such-container-" + containers.run())).isEmpty();
    }

    @Test
    void theImagesOwnServiceEntriesAreToldFromTheDeploymentsOnes() {
        String image = containers.buildFromSample("quayside-registrator-test/pushed:" + containers.run(),
                "LABEL SERVICE_NAME=payments", "ENV SERVICE_HAPROXY_VHOST=pay.example.com SERVICE_CHECK_HTTP=/health");
        String id = containers.start(new TestContainers.Spec("pushed").image(image)
                .env("SERVICE_HAPROXY_VHOST=shop.example.com"));
        ContainerFacts facts = docker.inspect(id).orElseThrow();
        assertThat(facts.imageEntries()).as("what the Dockerfile set").containsExactlyInAnyOrder(
                "SERVICE_NAME=payments", "SERVICE_HAPROXY_VHOST=pay.example.com", "SERVICE_CHECK_HTTP=/health");
        assertThat(facts.labels()).as("Docker merges the image's labels into the container's")
                .containsEntry("SERVICE_NAME", "payments");
        assertThat(facts.env()).contains("SERVICE_HAPROXY_VHOST=shop.example.com", "SERVICE_CHECK_HTTP=/health");

        ServiceRegistration service = new NamingRules(new NamingRules.Options("host1", "127.0.0.1", null, false, false,
                "")).services(facts).get(0);
        assertThat(service.name()).as("named by the image, not after another service").isEqualTo("pushed");
        assertThat(service.meta()).containsEntry("haproxy_vhost", "shop.example.com");
        assertThat(service.check().http()).endsWith("/health");
    }

    @Test
    void eventStreamReportsStartDieDestroyAndItsEnd() throws Exception {
        List<ContainerEvent> events = new CopyOnWriteArrayList<>();
        AtomicInteger connected = new AtomicInteger();
        AtomicReference<String> dropped = new AtomicReference<>();
        Closeable stream = docker.followEvents(Instant.now().getEpochSecond(), new DockerEngineClient.EventListener() {
            @Override
            public void connected() {
                connected.incrementAndGet();
            }

            @Override
            public void event(ContainerEvent event) {
                events.add(event);
            }

            @Override
            public void dropped(Throwable cause) {
                dropped.set(String.valueOf(cause));
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> connected.get() == 1);
        String id = containers.start(new TestContainers.Spec("events"));
        containers.kill(id);
        containers.remove(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream()
                .anyMatch(e -> e.containerId().equals(id) && e.action().equals("destroy")));
        assertThat(events).filteredOn(e -> e.containerId().equals(id)).extracting(ContainerEvent::action)
                .containsSubsequence("start", "die", "destroy");
        assertThat(events).allSatisfy(e -> assertThat(e.timeNano()).isPositive());
        assertThat(dropped.get()).as("still open").isNull();
        stream.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> dropped.get() != null);
    }
}
