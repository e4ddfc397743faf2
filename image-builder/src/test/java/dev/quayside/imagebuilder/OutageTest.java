package dev.quayside.imagebuilder;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;

import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildOutcome;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.kafka.EventSerializer;
import dev.quayside.imagebuilder.client.Abort;
import dev.quayside.imagebuilder.client.DockerEngineClient;
import dev.quayside.imagebuilder.client.InfrastructureException;
import dev.quayside.imagebuilder.support.Commits;
import dev.quayside.imagebuilder.support.GitReposResource;
import dev.quayside.imagebuilder.support.KafkaProbedTest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Outages that outlast the retries: the Docker engine and the registry are configured on a loopback port nobody
 * listens on. The build ends as {@code failure} with the reason, and the event is dead-lettered for a replay.
 */
@QuarkusTest
@TestProfile(OutageTest.NothingAnswers.class)
@QuarkusTestResource(value = GitReposResource.class, restrictToAnnotatedClass = true)
class OutageTest extends KafkaProbedTest {

    static final int CLOSED_PORT = closedPort();

    /** Engine and registry on a closed port; short back-off. */
    public static class NothingAnswers implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quayside.registry.address", "127.0.0.1:" + CLOSED_PORT,
                    "quayside.registry.request-timeout", "1s",
                    "quayside.docker.host", "tcp://127.0.0.1:" + CLOSED_PORT,
                    "quayside.docker.connect-timeout", "1s",
                    "quayside.builder.retry.max-retries", "2",
                    "quayside.builder.retry.initial-delay", "100ms",
                    "quayside.builder.retry.max-duration", "10s");
        }
    }

    private static Path repos;

    @Inject
    DockerEngineClient docker;

    @BeforeAll
    static void start() {
        repos = GitReposResource.dir();
    }

    @Test
    void aRegistryThatStaysDownFailsTheBuildWithTheReasonAndDeadLettersTheEvent() {
        Commits repo = Commits.sampleApp(repos, "no-registry", "1.0.0");
        EventEnvelope<CommitPushed> event = repo.pushed(repo.head());
        kafka.send(event);

        await().atMost(Duration.ofSeconds(60)).until(() -> !kafka.finished(repo.name(), repo.head()).isEmpty());
        BuildFinished finished = kafka.finished(repo.name(), repo.head()).get(0);
        assertThat(finished.outcome()).isEqualTo(BuildOutcome.FAILURE);
        assertThat(finished.reason()).startsWith("registry 127.0.0.1:" + CLOSED_PORT + " unreachable: ");
        assertThat(finished.logTail()).filteredOn(l -> l.contains("failed (attempt ")).hasSize(3);

        await().atMost(Duration.ofSeconds(30)).until(() -> kafka.deadLettered().stream()
                .anyMatch(r -> repo.name().equals(r.key())));
        byte[] original = new EventSerializer().serialize("quayside.commit-pushed", new RecordHeaders(), event);
        assertThat(kafka.deadLettered().stream().filter(r -> repo.name().equals(r.key())).findFirst().orElseThrow()
                .value()).as("the original record, for a replay").isEqualTo(original);
    }

    @Test
    void anEngineThatStaysDownIsRetriedThenReported() throws IOException {
        List<String> log = new CopyOnWriteArrayList<>();
        Path context = Files.createTempDirectory("image-builder-outage-context-");
        Path dockerfile = Files.writeString(context.resolve("Dockerfile"), "FROM scratch\n");
        var request = new DockerEngineClient.BuildRequest(context, dockerfile, Set.of("x:1"), Map.of(), Map.of(), null);
        assertThatThrownBy(() -> docker.build(request, log::add, new Abort(), () -> { }))
                .isInstanceOf(InfrastructureException.class)
                .hasMessageStartingWith("Docker engine tcp://127.0.0.1:" + CLOSED_PORT + " unreachable: ");
        assertThat(log).first().asString().startsWith("build context packed in "); // packed once, before the engine
        assertThat(log.subList(1, log.size())).hasSize(3).allMatch(l -> l.startsWith("docker build failed (attempt "));
    }

    @Test
    void readinessSaysWhichDependencyIsDown() {
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.findAll { it.status == 'DOWN' }.name", hasItem("registry"))
                .body("checks.findAll { it.status == 'DOWN' }.name", hasItem("docker-engine"));
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
