package dev.quayside.devstack.marathon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.mesos.DockerTasks;
import dev.quayside.devstack.mesos.Http;
import dev.quayside.devstack.mesos.SampleImages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kills as Marathon (with its {@code task_killing} feature) on Mesos' Docker executor does them: TASK_KILLING as the
 * kill starts, the task out of the healthy capacity while its container still runs, {@code docker stop} with the
 * app's {@code taskKillGracePeriodSeconds} (SIGTERM, the grace period, SIGKILL), then TASK_KILLED — for a scale-down,
 * a delete and a failed health check, on real containers.
 */
class MarathonKillTest {

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

    /**
     * Serves /health on 8080 and, on SIGTERM, takes {@code handlerSeconds} to finish, then exits with status 3: the
     * exit status tells whether the handler ran to its end (3) or SIGKILL came first (137).
     */
    static JsonObject trapping(String id, int graceSeconds, int handlerSeconds) {
        String cmd = "/bin/busybox httpd -p 8080 -h /www; trap '/bin/busybox sleep " + handlerSeconds + "; exit 3' TERM;"
                + " while true; do /bin/busybox sleep 0.2; done";
        return new JsonObject().put("id", id).put("instances", 1).put("cpus", 0.1).put("mem", 32).put("cmd", cmd)
                .put("networks", new JsonArray().add(new JsonObject().put("mode", "container/bridge")))
                .put("container", new JsonObject().put("type", "DOCKER")
                        .put("docker", new JsonObject().put("image", SampleImages.V1))
                        .put("portMappings", new JsonArray().add(new JsonObject().put("containerPort", 8080)
                                .put("hostPort", 0))))
                .put("healthChecks", new JsonArray().add(new JsonObject().put("protocol", "HTTP").put("path", "/health")
                        .put("portIndex", 0).put("gracePeriodSeconds", 10).put("intervalSeconds", 1)
                        .put("timeoutSeconds", 2).put("maxConsecutiveFailures", 3)))
                .put("taskKillGracePeriodSeconds", graceSeconds);
    }

    static JsonObject app(String id) {
        return Http.get(url + "/v2/apps" + id).json().getJsonObject("app");
    }

    static JsonObject healthyTask(String id) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> app(id).getInteger("tasksHealthy") == 1 && Http.get(url + "/v2/deployments").array()
                        .isEmpty());
        return app(id).getJsonArray("tasks").getJsonObject(0);
    }

    static List<String> statuses(SseRecorder sse, String taskId) {
        return sse.events(e -> taskId.equals(e.getString("taskId")) && e.containsKey("taskStatus")).stream()
                .map(e -> e.getString("taskStatus")).toList();
    }

    static JsonObject status(SseRecorder sse, String taskId, String state) {
        return sse.events(e -> taskId.equals(e.getString("taskId")) && state.equals(e.getString("taskStatus")))
                .get(0);
    }

    @Test
    void aScaleDownDrainsTheTaskForItsGracePeriodBeforeTheKill() {
        assertThat(Http.send("POST", url + "/v2/apps", trapping("/kill/drain", 6, 2).encode()).status())
                .isEqualTo(201);
        JsonObject task = healthyTask("/kill/drain");
        String taskId = task.getString("id");
        int port = task.getJsonArray("ports").getInteger(0);
        String containerId = marathon.taskContainerIds().get(0);
        AtomicBoolean sawDraining = new AtomicBoolean();
        try (SseRecorder sse = new SseRecorder(url, "?event_type=status_update_event")) {
            Http.Response kill = Http.send("DELETE", url + "/v2/apps/kill/drain/tasks/" + taskId + "?scale=true", null);
            assertThat(kill.status()).as(kill.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
                JsonObject app = app("/kill/drain");
                JsonArray tasks = app.getJsonArray("tasks");
                if (!sawDraining.get() && !tasks.isEmpty()
                        && "TASK_KILLING".equals(tasks.getJsonObject(0).getString("state"))
                        && docker.client().inspectContainerCmd(containerId).exec().getState().getRunning()) {
                    // the first look, at the start of the 2 s the app takes to finish
                    // still running and still answering, yet no longer counted as capacity
                    assertThat(app.getInteger("tasksHealthy")).isZero();
                    assertThat(app.getInteger("tasksRunning")).isZero();
                    assertThat(Http.get("http://127.0.0.1:" + port + "/health").status()).isEqualTo(200);
                    sawDraining.set(true);
                }
                return statuses(sse, taskId).contains("TASK_KILLED");
            });
            assertThat(statuses(sse, taskId)).containsExactly("TASK_KILLING", "TASK_KILLED");
            assertThat(status(sse, taskId, "TASK_KILLED").getString("message"))
                    .as("SIGTERM reached the app and its handler ran to its end within the grace period")
                    .isEqualTo("Container exited with status 3");
            long drained = SseRecorder.millis(status(sse, taskId, "TASK_KILLED"))
                    - SseRecorder.millis(status(sse, taskId, "TASK_KILLING"));
            assertThat(drained).as("the kill waited for the handler").isGreaterThanOrEqualTo(1800);
        }
        assertThat(sawDraining).as("seen in TASK_KILLING while its container ran").isTrue();
        assertThat(app("/kill/drain").getInteger("instances")).isZero();
    }

    @Test
    void deletingAnAppKillsWithTheAppsGracePeriodThenSigkill() {
        assertThat(Http.send("POST", url + "/v2/apps", trapping("/kill/stubborn", 1, 30).encode()).status())
                .isEqualTo(201);
        String taskId = healthyTask("/kill/stubborn").getString("id");
        try (SseRecorder sse = new SseRecorder(url, "")) {
            assertThat(Http.send("DELETE", url + "/v2/apps/kill/stubborn", null).status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> sse.types().contains("app_terminated_event"));
            assertThat(statuses(sse, taskId)).containsExactly("TASK_KILLING", "TASK_KILLED");
            assertThat(status(sse, taskId, "TASK_KILLED").getString("message"))
                    .as("taskKillGracePeriodSeconds 1, not the default 5: SIGKILL before the 30 s handler ended")
                    .isEqualTo("Container exited with status 137");
            assertThat(sse.types()).containsSubsequence("status_update_event", "status_update_event",
                    "deployment_success", "app_terminated_event");
        }
    }

    @Test
    void aFailedHealthChecksKillStartsWithTaskKillingToo() {
        JsonObject app = trapping("/kill/sick", 1, 0);
        app.getJsonArray("healthChecks").getJsonObject(0).put("path", "/no-such-page").put("gracePeriodSeconds", 1)
                .put("maxConsecutiveFailures", 1);
        try (SseRecorder sse = new SseRecorder(url, "")) {
            assertThat(Http.send("POST", url + "/v2/apps", app.encode()).status()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(30)).until(() -> !sse.events(e -> "TASK_KILLED".equals(
                    e.getString("taskStatus"))).isEmpty());
            String killed = sse.events(e -> "unhealthy_instance_kill_event".equals(e.getString("eventType"))).get(0)
                    .getString("taskId");
            List<String> sequence = sse.events(e -> killed.equals(e.getString("taskId"))).stream()
                    .map(e -> e.getString("eventType") + (e.containsKey("taskStatus") ? ":" + e.getString("taskStatus")
                            : "")).toList();
            assertThat(sequence).containsSubsequence("status_update_event:TASK_RUNNING",
                    "unhealthy_instance_kill_event", "status_update_event:TASK_KILLING",
                    "status_update_event:TASK_KILLED");
        }
    }
}
