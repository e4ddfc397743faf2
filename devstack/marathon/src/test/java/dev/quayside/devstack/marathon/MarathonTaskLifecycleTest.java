package dev.quayside.devstack.marathon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.mesos.DockerTasks;
import dev.quayside.devstack.mesos.Http;
import dev.quayside.devstack.mesos.SampleImages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tasks over time: scaling, restart with back-off, unhealthy kills, upgrade capacity bounds, cancel, re-adoption. */
class MarathonTaskLifecycleTest {

    @RegisterExtension
    static MarathonStandInExtension extension = new MarathonStandInExtension(
            MarathonStandIn.options().deploymentTimeout(Duration.ofSeconds(30)));

    static MarathonStandIn marathon;
    static DockerTasks docker;
    static String url;

    @BeforeAll
    static void start() {
        SampleImages.build();
        marathon = extension.standIn();
        url = marathon.marathonUrl();
        docker = new DockerTasks(null, true);
    }

    @AfterAll
    static void stop() {
        docker.close();
    }

    @AfterEach
    void deleteApps() {
        StandIns.deleteAllApps(marathon);
    }

    static JsonObject web(String id, int instances, String image) {
        return MarathonDeploymentTest.app(image).put("id", id).put("instances", instances);
    }

    static JsonObject state(String id) {
        return Http.get(url + "/v2/apps" + id).json().getJsonObject("app");
    }

    static void awaitDeployed(String id, int healthy) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> Http.get(url + "/v2/deployments").array().isEmpty()
                        && state(id).getInteger("tasksHealthy") == healthy
                        && state(id).getJsonArray("tasks").size() == healthy);
    }

    @Test
    void scalesUpAndDown() {
        assertThat(Http.send("POST", url + "/v2/apps", web("/lifecycle/scale", 1, SampleImages.V1).encode()).status())
                .isEqualTo(201);
        awaitDeployed("/lifecycle/scale", 1);
        String first = state("/lifecycle/scale").getJsonArray("tasks").getJsonObject(0).getString("id");
        Http.Response up = Http.send("PATCH", url + "/v2/apps/lifecycle/scale", "{\"instances\": 2}");
        assertThat(up.status()).isEqualTo(200);
        JsonObject deployment = Http.get(url + "/v2/deployments").array().getJsonObject(0);
        assertThat(deployment.getJsonArray("currentActions").getJsonObject(0).getString("action"))
                .isEqualTo("ScaleApplication");
        awaitDeployed("/lifecycle/scale", 2);
        assertThat(state("/lifecycle/scale").getJsonArray("tasks").stream()
                .map(t -> ((JsonObject) t).getString("id"))).as("scaling keeps the running task").contains(first);
        assertThat(Http.send("PATCH", url + "/v2/apps/lifecycle/scale", "{\"instances\": 1}").status())
                .isEqualTo(200);
        awaitDeployed("/lifecycle/scale", 1);
    }

    @Test
    void aFailingTaskIsRelaunchedWithBackOff() {
        JsonObject app = new JsonObject().put("id", "/lifecycle/crash").put("cmd", "exit 7").put("instances", 1)
                .put("cpus", 0.1).put("mem", 16).put("backoffSeconds", 1).put("backoffFactor", 2)
                .put("container", new JsonObject().put("type", "DOCKER").put("docker", new JsonObject()
                        .put("image", SampleImages.V1)));
        try (SseRecorder sse = new SseRecorder(url, "?event_type=status_update_event")) {
            assertThat(Http.send("POST", url + "/v2/apps", app.encode()).status()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(30)).until(() -> sse.events(
                    e -> "TASK_FAILED".equals(e.getString("taskStatus"))).size() >= 3);
            List<JsonObject> staged = sse.events(e -> "TASK_STAGING".equals(e.getString("taskStatus")));
            List<JsonObject> failed = sse.events(e -> "TASK_FAILED".equals(e.getString("taskStatus")));
            assertThat(failed.get(0).getString("message")).isEqualTo("Command exited with status 7");
            // launch delays 1 s, then 2 s: the third launch comes at least 2 s after the second failure
            long gap = millis(staged.get(2)) - millis(failed.get(1));
            assertThat(gap).isGreaterThanOrEqualTo(1900);
            assertThat(millis(staged.get(1)) - millis(failed.get(0))).isGreaterThanOrEqualTo(900);
        }
        JsonObject lastFailure = state("/lifecycle/crash").getJsonObject("lastTaskFailure");
        assertThat(lastFailure.getString("state")).isEqualTo("TASK_FAILED");
        assertThat(lastFailure.getString("message")).isEqualTo("Command exited with status 7");
    }

    static long millis(JsonObject event) {
        return Instant.parse(event.getString("timestamp")).toEpochMilli();
    }

    @Test
    void anUnhealthyTaskIsKilledAndReplaced() {
        String cmd = "/bin/busybox mkdir -p /tmp/w; echo ok > /tmp/w/health; "
                + "(/bin/busybox sleep 3; /bin/busybox rm /tmp/w/health) & exec /bin/busybox httpd -f -p 8080 -h /tmp/w";
        JsonObject app = web("/lifecycle/sick", 1, SampleImages.V1).put("cmd", cmd);
        app.getJsonArray("healthChecks").getJsonObject(0).put("maxConsecutiveFailures", 2);
        try (SseRecorder sse = new SseRecorder(url, "")) {
            assertThat(Http.send("POST", url + "/v2/apps", app.encode()).status()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(30)).until(() -> sse.events(
                    e -> "health_status_changed_event".equals(e.getString("eventType"))).size() >= 3);
            List<String> sequence = sse.events().stream().map(e -> e.getString("eventType")
                    + (e.containsKey("taskStatus") ? ":" + e.getString("taskStatus") : "")
                    + (e.containsKey("alive") ? ":" + e.getBoolean("alive") : "")).toList();
            assertThat(sequence).containsSubsequence("status_update_event:TASK_RUNNING",
                    "health_status_changed_event:true", "health_status_changed_event:false",
                    "unhealthy_instance_kill_event", "status_update_event:TASK_KILLED",
                    "status_update_event:TASK_STAGING", "status_update_event:TASK_RUNNING",
                    "health_status_changed_event:true");
        }
    }

    @Test
    void aRollingUpgradeStaysWithinItsCapacityBounds() {
        JsonObject app = web("/lifecycle/rolling", 2, SampleImages.V1).put("upgradeStrategy",
                new JsonObject().put("minimumHealthCapacity", 0.5).put("maximumOverCapacity", 0.0));
        assertThat(Http.send("POST", url + "/v2/apps", app.encode()).status()).isEqualTo(201);
        awaitDeployed("/lifecycle/rolling", 2);
        AtomicInteger maxTasks = new AtomicInteger();
        AtomicInteger minHealthy = new AtomicInteger(Integer.MAX_VALUE);
        Http.Response put = Http.send("PUT", url + "/v2/apps/lifecycle/rolling", new JsonObject()
                .put("container", MarathonDeploymentTest.app(SampleImages.V2).getJsonObject("container")).encode());
        assertThat(put.status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            JsonObject s = state("/lifecycle/rolling");
            maxTasks.accumulateAndGet(s.getJsonArray("tasks").size(), Math::max);
            minHealthy.accumulateAndGet(s.getInteger("tasksHealthy"), Math::min);
            return Http.get(url + "/v2/deployments").array().isEmpty();
        });
        assertThat(maxTasks.get()).as("maximumOverCapacity 0: never more than 2 tasks").isLessThanOrEqualTo(2);
        assertThat(minHealthy.get()).as("minimumHealthCapacity 0.5: at least 1 healthy").isGreaterThanOrEqualTo(1);
        awaitDeployed("/lifecycle/rolling", 2);
        for (Object t : state("/lifecycle/rolling").getJsonArray("tasks")) {
            int port = ((JsonObject) t).getJsonArray("ports").getInteger(0);
            assertThat(Http.get("http://127.0.0.1:" + port + "/version").body()).isEqualTo("v2");
        }
    }

    @Test
    void deletingADeploymentRollsBackAndForceJustStopsIt() {
        assertThat(Http.send("POST", url + "/v2/apps", web("/lifecycle/cancel", 1, SampleImages.V1).encode())
                .status()).isEqualTo(201);
        awaitDeployed("/lifecycle/cancel", 1);
        Http.Response broken = Http.send("PUT", url + "/v2/apps/lifecycle/cancel", new JsonObject()
                .put("container", MarathonDeploymentTest.app(SampleImages.BROKEN).getJsonObject("container")).encode());
        String deploymentId = broken.json().getString("deploymentId");
        try (SseRecorder sse = new SseRecorder(url, "?event_type=deployment_failed&event_type=deployment_success")) {
            Http.Response cancel = Http.send("DELETE", url + "/v2/deployments/" + deploymentId, null);
            assertThat(cancel.status()).isEqualTo(200);
            String rollback = cancel.json().getString("deploymentId");
            assertThat(rollback).isNotEqualTo(deploymentId);
            await().atMost(Duration.ofSeconds(20)).until(() -> sse.types().contains("deployment_success"));
            assertThat(sse.events().get(0).getString("eventType")).isEqualTo("deployment_failed");
            assertThat(sse.events().get(0).getString("id")).isEqualTo(deploymentId);
            assertThat(sse.events().get(1).getString("id")).isEqualTo(rollback);
        }
        awaitDeployed("/lifecycle/cancel", 1);
        assertThat(state("/lifecycle/cancel").getJsonObject("container").getJsonObject("docker").getString("image"))
                .isEqualTo(SampleImages.V1);

        Http.Response again = Http.send("PUT", url + "/v2/apps/lifecycle/cancel", new JsonObject()
                .put("container", MarathonDeploymentTest.app(SampleImages.BROKEN).getJsonObject("container")).encode());
        Http.Response forced = Http.send("DELETE", url + "/v2/deployments/" + again.json().getString("deploymentId")
                + "?force=true", null);
        assertThat(forced.status()).isEqualTo(202);
        assertThat(Http.get(url + "/v2/deployments").array()).isEmpty();
        assertThat(state("/lifecycle/cancel").getJsonObject("container").getJsonObject("docker").getString("image"))
                .as("force cancel keeps the new definition").isEqualTo(SampleImages.BROKEN);
    }

    @Test
    void aRestartedStandInReadoptsItsContainers() {
        String id = "readopt-" + System.nanoTime();
        MarathonStandIn first = MarathonStandIn.start(MarathonStandIn.options().standInId(id));
        String taskId;
        String containerId;
        try {
            Http.Response created = Http.send("POST", first.marathonUrl() + "/v2/apps",
                    web("/lifecycle/kept", 1, SampleImages.V1).encode());
            assertThat(created.status()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(20)).until(() -> Http.get(first.marathonUrl()
                    + "/v2/apps/lifecycle/kept").json().getJsonObject("app").getInteger("tasksHealthy") == 1);
            JsonObject task = Http.get(first.marathonUrl() + "/v2/apps/lifecycle/kept").json().getJsonObject("app")
                    .getJsonArray("tasks").getJsonObject(0);
            taskId = task.getString("id");
            containerId = first.taskContainerIds().get(0);
        } finally {
            first.closeKeepingTasks();
        }
        assertThat(docker.list(DockerTasks.LABEL_STAND_IN, id)).extracting(DockerTasks.Owned::running)
                .containsExactly(true);
        try (MarathonStandIn second = MarathonStandIn.start(MarathonStandIn.options().standInId(id))) {
            JsonObject app = Http.get(second.marathonUrl() + "/v2/apps/lifecycle/kept").json().getJsonObject("app");
            JsonArray tasks = app.getJsonArray("tasks");
            assertThat(tasks).hasSize(1);
            assertThat(tasks.getJsonObject(0).getString("id")).isEqualTo(taskId);
            assertThat(second.taskContainerIds()).containsExactly(containerId);
            assertThat(app.getJsonObject("container").getJsonObject("docker").getString("image"))
                    .isEqualTo(SampleImages.V1);
            await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(second.marathonUrl()
                    + "/v2/apps/lifecycle/kept").json().getJsonObject("app").getInteger("tasksHealthy") == 1);
            MarathonDeploymentTest.sleep(1500);
            assertThat(second.taskContainerIds()).as("no replacement was started").containsExactly(containerId);
        }
        assertThat(docker.list(DockerTasks.LABEL_STAND_IN, id)).isEmpty();
    }

    @Test
    void twoStandInsOnOneEngineShareARunLabelButNeitherTouchesTheOthersContainers() {
        String run = "run-" + System.nanoTime();
        MarathonStandIn one = MarathonStandIn.start(MarathonStandIn.options().standInId(run + "-a")
                .taskLabel("quayside.test.run", run));
        try (MarathonStandIn two = MarathonStandIn.start(MarathonStandIn.options().standInId(run + "-b")
                .taskLabel("quayside.test.run", run))) {
            for (MarathonStandIn standIn : List.of(one, two)) {
                assertThat(Http.send("POST", standIn.marathonUrl() + "/v2/apps",
                        web("/pair/web", 1, SampleImages.V1).encode()).status()).isEqualTo(201);
            }
            for (MarathonStandIn standIn : List.of(one, two)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> Http.get(standIn.marathonUrl()
                        + "/v2/apps/pair/web").json().getJsonObject("app").getInteger("tasksHealthy") == 1);
            }
            List<DockerTasks.Owned> shared = docker.list("quayside.test.run", run);
            assertThat(shared).as("both stand-ins' tasks carry the run's label").hasSize(2);
            assertThat(shared).extracting(c -> c.labels().get(DockerTasks.LABEL_STAND_IN))
                    .containsExactlyInAnyOrder(run + "-a", run + "-b");
            assertThat(one.taskContainerIds()).hasSize(1).doesNotContainAnyElementsOf(two.taskContainerIds());
            assertThat(two.taskContainerIds()).hasSize(1);
            String kept = two.taskContainerIds().get(0);
            MarathonDeploymentTest.sleep(3000);
            assertThat(two.taskContainerIds()).as("each counts only its own task").containsExactly(kept);
            one.close();
            assertThat(docker.list(DockerTasks.LABEL_STAND_IN, run + "-a")).isEmpty();
            assertThat(docker.list(DockerTasks.LABEL_STAND_IN, run + "-b")).extracting(DockerTasks.Owned::running)
                    .as("closing one stand-in leaves the other's task running").containsExactly(true);
            assertThat(Http.get(two.marathonUrl() + "/v2/apps/pair/web").json().getJsonObject("app")
                    .getInteger("tasksHealthy")).isEqualTo(1);
        } finally {
            one.close();
        }
        assertThat(docker.list("quayside.test.run", run)).isEmpty();
    }

    @Test
    void aTaskLabelCannotReplaceTheStandInsOwn() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MarathonStandIn.options()
                .taskLabel(DockerTasks.LABEL_STAND_IN, "other")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside quayside.marathon.*");
    }
}
