package dev.quayside.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.devstack.launcher.ComposeRun;
import dev.quayside.devstack.launcher.DockerCli;
import dev.quayside.devstack.launcher.OnMarathon;
import dev.quayside.devstack.launcher.PipelineWatch;
import dev.quayside.devstack.mesos.DockerTasks;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #26, "compose that runs": {@code docker-compose -f docker-compose.yml -f deploy/compose.local.yml up -d} of the
 * whole mesh here, with the parts that cannot be pulled swapped for quayside/devstack (the real Kafka broker, the
 * Consul, Marathon and Chronos stand-ins, the real registry) and every container in the host's network. Every service
 * with a health check is healthy by compose's own health status, the topics step ended with 0, a commit of the sample
 * app goes live through edge-router's HAProxy on 127.0.0.1:8000, and {@code docker-compose down -v} leaves no
 * container, network or volume of the project and no task container of its Marathon stand-in. Images it made are
 * removed.
 */
class ComposeE2ETest {

    static final Path ROOT = OnMarathonE2ETest.ROOT;
    static final String PROJECT = "quayside-compose-e2e";
    /** The services of the base file that have a health check (the parts' are replaced in the override). */
    static final Set<String> HEALTH_CHECKED = Set.of("kafka", "consul", "marathon", "registry", "git-watcher",
            "image-builder", "config-syncer", "marathon-applier", "registrator", "edge-router", "notifier", "board");
    static final Set<String> PLACEHOLDERS = Set.of("zookeeper", "mesos-master", "mesos-agent", "chronos");

    @TempDir
    Path home;

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void dockerComposeUpRunsTheMeshAndACommitGoesLiveThroughIt() {
        long started = System.nanoTime();
        Set<String> imagesBefore = Set.copyOf(OnMarathonE2ETest.images());
        ComposeRun compose = ComposeRun.start(new ComposeRun.Options(ROOT, home, PROJECT, Duration.ofMinutes(6)));
        try {
            compose.up(System.out);
            Map<String, ComposeRun.ServiceState> states = compose.states();
            assertThat(states.keySet()).as("a container for every service of the two files")
                    .containsExactlyInAnyOrderElementsOf(compose.services());
            Set<String> expected = new TreeSet<>(HEALTH_CHECKED);
            expected.addAll(PLACEHOLDERS);
            expected.add("kafka-topics");
            assertThat(new TreeSet<>(states.keySet())).isEqualTo(expected);
            for (String service : HEALTH_CHECKED) {
                assertThat(states.get(service).status() + " " + states.get(service).health()).as(service)
                        .isEqualTo("running healthy");
            }
            assertThat(states.get("kafka-topics").status() + " " + states.get("kafka-topics").exitCode())
                    .as("the topics step ran to the end").isEqualTo("exited 0");
            assertThat(compose.logs("kafka-topics")).as("kafka-topics created helm-free-deploy/topics.txt's topics")
                    .contains("every topic of /quayside/topics.txt exists");
            for (ComposeRun.ServiceState state : states.values()) {
                assertThat(DockerCli.run(Duration.ofSeconds(30), "inspect", "-f", "{{.HostConfig.NetworkMode}}",
                        state.container()).strip()).as(state.service() + " in the host's network").isEqualTo("host");
            }
            assertThat(DockerCli.run(Duration.ofSeconds(30), "inspect", "-f", "{{.Config.User}}",
                    states.get("edge-router").container()).strip()).as("the services as the images' user")
                    .isEqualTo("10001:10001");

            String version = "1." + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd.HHmmss"));
            PipelineWatch.Result result = compose.pushSample(version, Duration.ofMinutes(5), System.out);
            StringBuilder logs = new StringBuilder();
            if (!result.live()) {
                for (String service : List.of("git-watcher", "image-builder", "config-syncer", "marathon-applier",
                        "registrator", "edge-router", "marathon")) {
                    logs.append("---- ").append(service).append('\n').append(compose.logs(service));
                }
            }
            assertThat(result.live()).as(result.failure() + "\n" + logs).isTrue();
            assertThat(PipelineWatch.fetch("http://127.0.0.1:" + OnMarathon.FRONTEND_PORT + "/version"))
                    .as("HAProxy in edge-router's container serves the new version").isEqualTo(version);
        } finally {
            compose.close();
            System.out.printf("compose e2e: %.1f s up to and with down%n", (System.nanoTime() - started) / 1e9);
        }
        String left = DockerCli.run(Duration.ofSeconds(30), "ps", "-aq", "--filter",
                "label=com.docker.compose.project=" + PROJECT).strip();
        String tasks = DockerCli.run(Duration.ofSeconds(30), "ps", "-aq", "--filter",
                "label=" + DockerTasks.LABEL_STAND_IN + "=" + ComposeRun.STAND_IN_ID).strip();
        String networks = DockerCli.run(Duration.ofSeconds(30), "network", "ls", "-q", "--filter",
                "label=com.docker.compose.project=" + PROJECT).strip();
        String volumes = DockerCli.run(Duration.ofSeconds(30), "volume", "ls", "-q", "--filter",
                "label=com.docker.compose.project=" + PROJECT).strip();
        List<String> made = OnMarathonE2ETest.made(imagesBefore, "127.0.0.1:" + ComposeRun.PORTS.registry());
        for (String image : made) {
            try {
                DockerCli.run(Duration.ofSeconds(60), "rmi", image);
            } catch (IllegalStateException e) {
                System.out.println("could not remove " + image + ": " + e.getMessage()); // asserted below
            }
        }
        for (String container : (left + "\n" + tasks).lines().filter(l -> !l.isBlank()).toList()) {
            DockerCli.run(Duration.ofSeconds(60), "rm", "-f", container); // what down left: removed, then failed on
        }
        assertThat(left).as("down -v left no container of the project").isEmpty();
        assertThat(tasks).as("the Marathon stand-in stopped its task containers").isEmpty();
        assertThat(networks).as("no network of the project").isEmpty();
        assertThat(volumes).as("no volume of the project").isEmpty();
        assertThat(OnMarathonE2ETest.made(imagesBefore, "127.0.0.1:" + ComposeRun.PORTS.registry()))
                .as("no image left that the test made").isEmpty();
    }
}
