package dev.quayside.devstack.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.marathon.MarathonStandIn;
import dev.quayside.devstack.mesos.DockerTasks;
import dev.quayside.devstack.mesos.Http;
import dev.quayside.devstack.mesos.SampleImages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A task killed while the Docker engine cannot be reached (the chaos harness's {@code docker-outage}: the Marathon
 * stand-in's engine behind a {@link FaultProxy}) stays KILLING and its container is stopped once the engine is back.
 * Before, the failed stop was given up on: the container kept running with no task to account for it, and
 * registrator kept it registered and HAProxy routed to it ({@code bin/quayside chaos docker-outage} at 100 commits:
 * 9 stale registrations, 8 apps routed to them).
 */
class KillDuringDockerOutageTest {

    @Test
    void aTaskKilledWhileTheEngineIsUnreachableIsStoppedOnceItIsBack() {
        SampleImages.build();
        try (FaultProxy engine = FaultProxy.toUnixSocket("docker", Path.of("/var/run/docker.sock"));
                MarathonStandIn marathon = MarathonStandIn.start(MarathonStandIn.options()
                        .dockerHost("tcp://" + engine.address()).deploymentTimeout(Duration.ofSeconds(60)));
                DockerTasks docker = new DockerTasks(null, true)) {
            String url = marathon.marathonUrl();
            JsonObject app = new JsonObject().put("id", "/outage/web").put("instances", 1).put("cpus", 0.1)
                    .put("mem", 32).put("networks", new JsonArray().add(new JsonObject().put("mode", "container/bridge")))
                    .put("container", new JsonObject().put("type", "DOCKER")
                            .put("docker", new JsonObject().put("image", SampleImages.V1))
                            .put("portMappings", new JsonArray().add(new JsonObject().put("containerPort", 8080)
                                    .put("hostPort", 0))));
            assertThat(Http.send("POST", url + "/v2/apps", app.encode()).status()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(60)).until(() -> tasks(url).size() == 1
                    && "TASK_RUNNING".equals(tasks(url).getJsonObject(0).getString("state")));
            String taskId = tasks(url).getJsonObject(0).getString("id");
            assertThat(docker.list(DockerTasks.LABEL_TASK_ID, taskId)).singleElement()
                    .satisfies(c -> assertThat(c.running()).isTrue());

            engine.cut();
            assertThat(Http.send("PUT", url + "/v2/apps/outage/web?force=true",
                    new JsonObject().put("instances", 0).encode()).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> tasks(url).isEmpty()
                    || "TASK_KILLING".equals(tasks(url).getJsonObject(0).getString("state")));
            sleep(3000); // the stop fails while the engine is away
            assertThat(docker.list(DockerTasks.LABEL_TASK_ID, taskId)).singleElement()
                    .satisfies(c -> assertThat(c.running()).as("still running while the engine is away").isTrue());

            engine.heal();
            await().atMost(Duration.ofSeconds(60)).alias("the container is stopped once the engine is back")
                    .until(() -> docker.list(DockerTasks.LABEL_TASK_ID, taskId).stream().noneMatch(c -> c.running()));
            await().atMost(Duration.ofSeconds(30)).until(() -> tasks(url).isEmpty());
        }
    }

    static JsonArray tasks(String url) {
        return Http.get(url + "/v2/apps/outage/web/tasks").json().getJsonArray("tasks");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
