package dev.quayside.devstack.marathon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import dev.quayside.devstack.mesos.DockerTasks;
import dev.quayside.devstack.mesos.Http;
import dev.quayside.devstack.mesos.SampleImages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One app through its life on the real Docker engine: create, healthy on its loopback port, rolling update with the
 * SSE events in order, 409 on a concurrent change, rollback by version, a failing update that ends in
 * {@code deployment_failed} while the old version keeps serving, delete.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MarathonDeploymentTest {

    @RegisterExtension
    static MarathonStandInExtension extension = new MarathonStandInExtension(
            MarathonStandIn.options().deploymentTimeout(Duration.ofSeconds(8)));

    static MarathonStandIn marathon;
    static DockerTasks docker;
    static String url;
    static String v1Version;

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

    static JsonObject app(String image) {
        return new JsonObject().put("id", "/devstack-test/web").put("instances", 1).put("cpus", 0.1).put("mem", 32)
                .put("container", new JsonObject().put("type", "DOCKER").put("docker", new JsonObject()
                        .put("image", image).put("network", "BRIDGE").put("portMappings", new JsonArray()
                                .add(new JsonObject().put("containerPort", 8080).put("hostPort", 0)
                                        .put("protocol", "tcp").put("name", "http")))))
                .put("env", new JsonObject().put("GREETING", "hello"))
                .put("labels", new JsonObject().put("team", "quayside"))
                .put("healthChecks", new JsonArray().add(new JsonObject().put("protocol", "HTTP")
                        .put("path", "/health").put("portIndex", 0).put("gracePeriodSeconds", 5)
                        .put("intervalSeconds", 1).put("timeoutSeconds", 1).put("maxConsecutiveFailures", 3)))
                .put("upgradeStrategy", new JsonObject().put("minimumHealthCapacity", 1.0)
                        .put("maximumOverCapacity", 1.0))
                .put("taskKillGracePeriodSeconds", 2);
    }

    static JsonObject appState() {
        Http.Response r = Http.get(url + "/v2/apps/devstack-test/web");
        assertThat(r.status()).isEqualTo(200);
        return r.json().getJsonObject("app");
    }

    static String served(String path) {
        JsonObject app = appState();
        JsonArray tasks = app.getJsonArray("tasks");
        assertThat(tasks).hasSize(1);
        int port = tasks.getJsonObject(0).getJsonArray("ports").getInteger(0);
        Http.Response r = Http.get("http://127.0.0.1:" + port + path);
        return r.status() + " " + r.body();
    }

    /** What every healthy task answers (there may be more tasks during a deployment); at least one must answer. */
    static String servedByHealthy(String path) {
        java.util.Set<String> answers = new java.util.TreeSet<>();
        for (Object o : appState().getJsonArray("tasks")) {
            JsonObject t = (JsonObject) o;
            JsonArray results = t.getJsonArray("healthCheckResults");
            if ("TASK_RUNNING".equals(t.getString("state")) && results.getJsonObject(0).getBoolean("alive")) {
                Http.Response r = Http.get("http://127.0.0.1:" + t.getJsonArray("ports").getInteger(0) + path);
                answers.add(r.status() + " " + r.body());
            }
        }
        return String.join(" | ", answers);
    }

    static void awaitNoDeployment() {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> Http.get(url + "/v2/deployments").array().isEmpty());
    }

    @Test
    @Order(1)
    void createsAnAppThatRunsHealthyOnItsLoopbackPort() {
        Http.Response created = Http.send("POST", url + "/v2/apps", app(SampleImages.V1).encode());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("Marathon-Deployment-Id")).isNotBlank();
        assertThat(created.header("Location")).isEqualTo("/v2/apps/devstack-test/web");
        JsonObject body = created.json();
        assertThat(body.getString("id")).isEqualTo("/devstack-test/web");
        assertThat(body.getJsonArray("deployments").getJsonObject(0).getString("id"))
                .isEqualTo(created.header("Marathon-Deployment-Id"));
        v1Version = body.getString("version");

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> appState().getInteger("tasksHealthy") == 1);
        awaitNoDeployment();
        assertThat(served("/version")).isEqualTo("200 v1");

        JsonObject task = appState().getJsonArray("tasks").getJsonObject(0);
        assertThat(task.getString("state")).isEqualTo("TASK_RUNNING");
        assertThat(task.getString("host")).isEqualTo("127.0.0.1");
        assertThat(task.getJsonArray("healthCheckResults").getJsonObject(0).getBoolean("alive")).isTrue();

        String containerId = marathon.taskContainerIds().get(0);
        InspectContainerResponse inspect = docker.client().inspectContainerCmd(containerId).exec();
        Map<String, String> labels = inspect.getConfig().getLabels();
        assertThat(labels).containsEntry("quayside.devstack", "marathon")
                .containsEntry(DockerTasks.LABEL_APP_ID, "/devstack-test/web")
                .containsEntry(DockerTasks.LABEL_APP_VERSION, v1Version)
                .containsEntry(DockerTasks.LABEL_TASK_ID, task.getString("id"))
                .containsEntry("team", "quayside");
        Ports.Binding[] bindings = inspect.getHostConfig().getPortBindings().getBindings().get(ExposedPort.tcp(8080));
        assertThat(bindings).hasSize(1);
        assertThat(bindings[0].getHostIp()).isEqualTo("127.0.0.1");
        assertThat(bindings[0].getHostPortSpec()).isEqualTo(String.valueOf(task.getJsonArray("ports").getInteger(0)));
        List<String> env = List.of(inspect.getConfig().getEnv());
        assertThat(env).contains("MARATHON_APP_ID=/devstack-test/web", "MARATHON_APP_VERSION=" + v1Version,
                "MESOS_TASK_ID=" + task.getString("id"), "HOST=127.0.0.1", "GREETING=hello",
                "PORT0=" + task.getJsonArray("ports").getInteger(0));
        assertThat(inspect.getHostConfig().getMemory()).isEqualTo(32L * 1024 * 1024);
    }

    @Test
    @Order(2)
    void rollingUpdateEmitsTheEventsInOrder() {
        String oldTask = appState().getJsonArray("tasks").getJsonObject(0).getString("id");
        try (SseRecorder sse = new SseRecorder(url, "")) {
            long started = System.nanoTime();
            Http.Response put = Http.send("PUT", url + "/v2/apps/devstack-test/web", new JsonObject()
                    .put("container", app(SampleImages.V2).getJsonObject("container")).encode());
            assertThat(put.status()).as(put.body()).isEqualTo(200);
            String deploymentId = put.json().getString("deploymentId");
            assertThat(put.header("Marathon-Deployment-Id")).isEqualTo(deploymentId);
            assertThat(put.json().getString("version")).isNotBlank();

            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> sse.types().contains("deployment_success"));
            long millis = (System.nanoTime() - started) / 1_000_000;
            System.out.println("PUT -> deployment_success for the sample image: " + millis + " ms");
            assertThat(served("/version")).isEqualTo("200 v2");

            List<JsonObject> events = sse.events(e -> !e.getString("eventType").equals("failed_health_check_event"));
            List<String> sequence = events.stream().map(e -> e.getString("eventType")
                    + (e.containsKey("taskStatus") ? ":" + e.getString("taskStatus")
                            + (e.getString("taskId").equals(oldTask) ? ":old" : ":new") : "")
                    + (e.containsKey("alive") ? ":" + e.getBoolean("alive") : "")).toList();
            assertThat(sequence).containsExactly("event_stream_attached", "api_post_event", "deployment_info",
                    "status_update_event:TASK_STAGING:new", "status_update_event:TASK_RUNNING:new",
                    "health_status_changed_event:true", "status_update_event:TASK_KILLING:old",
                    "status_update_event:TASK_KILLED:old",
                    "deployment_step_success", "deployment_success");
            JsonObject success = events.get(events.size() - 1);
            assertThat(success.getString("id")).isEqualTo(deploymentId);
            assertThat(success.getJsonObject("plan").getString("id")).isEqualTo(deploymentId);
            JsonObject info = events.get(2);
            assertThat(info.getJsonObject("currentStep").getJsonArray("actions").getJsonObject(0)
                    .getString("action")).isEqualTo("RestartApplication");
        }
    }

    @Test
    @Order(3)
    void aSecondChangeDuringADeploymentGets409UnlessForced() {
        Http.Response first = Http.send("POST", url + "/v2/apps/devstack-test/web/restart", null);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        String running = first.json().getString("deploymentId");

        Http.Response second = Http.send("PUT", url + "/v2/apps/devstack-test/web",
                new JsonObject().put("env", new JsonObject().put("GREETING", "again")).encode());
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.json().getString("message")).startsWith("App is locked by one or more deployments.");
        assertThat(second.json().getJsonArray("deployments")).containsExactly(new JsonObject().put("id", running));

        Http.Response forced = Http.send("PUT", url + "/v2/apps/devstack-test/web?force=true",
                new JsonObject().put("env", new JsonObject().put("GREETING", "forced")).encode());
        assertThat(forced.status()).as(forced.body()).isEqualTo(200);
        assertThat(Http.get(url + "/v2/deployments").array().stream().map(d -> ((JsonObject) d).getString("id")))
                .containsExactly(forced.json().getString("deploymentId"));
        awaitNoDeployment();
        assertThat(appState().getJsonObject("env").getString("GREETING")).isEqualTo("forced");
        await().atMost(Duration.ofSeconds(10)).until(() -> appState().getInteger("tasksHealthy") == 1
                && appState().getJsonArray("tasks").size() == 1);
    }

    @Test
    @Order(4)
    void rollsBackToAVersion() {
        JsonArray versions = Http.get(url + "/v2/apps/devstack-test/web/versions").json().getJsonArray("versions");
        assertThat(versions.getString(versions.size() - 1)).isEqualTo(v1Version);
        JsonObject v1 = Http.get(url + "/v2/apps/devstack-test/web/versions/" + v1Version).json();
        assertThat(v1.getJsonObject("container").getJsonObject("docker").getString("image")).isEqualTo(SampleImages.V1);

        Http.Response bad = Http.send("PUT", url + "/v2/apps/devstack-test/web",
                new JsonObject().put("version", v1Version).put("instances", 2).encode());
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.body()).contains(AppDefinitions.VERSION_ONLY_WITH_ID);

        Http.Response rollback = Http.send("PUT", url + "/v2/apps/devstack-test/web",
                new JsonObject().put("version", v1Version).encode());
        assertThat(rollback.status()).as(rollback.body()).isEqualTo(200);
        awaitNoDeployment();
        await().atMost(Duration.ofSeconds(10)).until(() -> appState().getInteger("tasksHealthy") == 1
                && appState().getJsonArray("tasks").size() == 1);
        assertThat(served("/version")).isEqualTo("200 v1");
        assertThat(appState().getJsonObject("env").getString("GREETING")).isEqualTo("hello");
    }

    @Test
    @Order(5)
    void aFailingHealthCheckEndsInDeploymentFailedAndTheOldVersionKeepsServing() {
        try (SseRecorder sse = new SseRecorder(url, "")) {
            Http.Response put = Http.send("PUT", url + "/v2/apps/devstack-test/web", new JsonObject()
                    .put("container", app(SampleImages.BROKEN).getJsonObject("container")).encode());
            assertThat(put.status()).as(put.body()).isEqualTo(200);
            String deploymentId = put.json().getString("deploymentId");
            long end = System.currentTimeMillis() + 15_000;
            while (!sse.types().contains("deployment_failed") && System.currentTimeMillis() < end) {
                assertThat(servedByHealthy("/version")).isEqualTo("200 v1");
                sleep(300);
            }
            JsonObject failed = sse.events(e -> e.getString("eventType").equals("deployment_failed")).get(0);
            assertThat(failed.getString("id")).isEqualTo(deploymentId);
            assertThat(sse.types()).contains("deployment_step_failure").doesNotContain("deployment_success");
        }
        awaitNoDeployment();
        await().atMost(Duration.ofSeconds(10)).until(() -> appState().getJsonArray("tasks").size() == 1);
        assertThat(appState().getJsonObject("container").getJsonObject("docker").getString("image"))
                .isEqualTo(SampleImages.V1);
        assertThat(served("/version")).isEqualTo("200 v1");
    }

    @Test
    @Order(6)
    void aMissingImageEndsInDeploymentFailedToo() {
        try (SseRecorder sse = new SseRecorder(url, "?event_type=status_update_event&event_type=deployment_failed")) {
            Http.Response put = Http.send("PUT", url + "/v2/apps/devstack-test/web", new JsonObject()
                    .put("container", app("127.0.0.1:1/quayside/does-not-exist:1").getJsonObject("container"))
                    .encode());
            assertThat(put.status()).as(put.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> sse.types().contains("deployment_failed"));
            assertThat(sse.events(e -> "TASK_FAILED".equals(e.getString("taskStatus")))).isNotEmpty()
                    .allSatisfy(e -> assertThat(e.getString("message")).startsWith("Failed to launch container"));
            assertThat(sse.types()).containsOnly("status_update_event", "deployment_failed");
        }
        awaitNoDeployment();
        assertThat(served("/version")).isEqualTo("200 v1");
        assertThat(appState().getJsonObject("lastTaskFailure").getString("state")).isEqualTo("TASK_FAILED");
    }

    @Test
    @Order(7)
    void deleteStopsTheContainersAndTerminatesTheApp() {
        try (SseRecorder sse = new SseRecorder(url, "")) {
            Http.Response delete = Http.send("DELETE", url + "/v2/apps/devstack-test/web", null);
            assertThat(delete.status()).as(delete.body()).isEqualTo(200);
            assertThat(delete.json().getString("deploymentId")).isNotBlank();
            assertThat(Http.get(url + "/v2/apps/devstack-test/web").status()).isEqualTo(404);
            await().atMost(Duration.ofSeconds(15)).until(() -> sse.types().contains("app_terminated_event"));
            assertThat(sse.types()).containsSubsequence("status_update_event", "deployment_success",
                    "app_terminated_event");
        }
        assertThat(marathon.taskContainerIds()).isEmpty();
        // stopped when the deployment succeeded; the (vfs) file system is removed right after
        assertThat(docker.list(DockerTasks.LABEL_STAND_IN, marathon.standInId())).noneMatch(DockerTasks.Owned::running);
        await().atMost(Duration.ofSeconds(10)).until(() -> docker.list(DockerTasks.LABEL_STAND_IN,
                marathon.standInId()).isEmpty());
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
