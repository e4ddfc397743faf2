package dev.quayside.devstack.marathon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.async.ResultCallback;
import dev.quayside.devstack.mesos.DockerTasks;
import dev.quayside.devstack.mesos.Http;
import dev.quayside.devstack.mesos.SampleImages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code readinessChecks} as Marathon has them: validated ({@code ReadinessCheck.readinessCheckValidator}), answered
 * with Marathon's defaults, and a deployment that waits for a new task to be ready as well as healthy — on a real
 * container whose readiness endpoint the test opens.
 */
class MarathonReadinessTest {

    @RegisterExtension
    static MarathonStandInExtension extension = new MarathonStandInExtension(
            MarathonStandIn.options().deploymentTimeout(Duration.ofSeconds(60)));

    @AfterEach
    void deleteApps() {
        StandIns.deleteAllApps(extension.standIn());
    }

    /** Healthy at once ({@code /health}); ready once {@code /www/ready} exists, which only the test creates. */
    static JsonObject app(String id, int instances, JsonObject readinessCheck) {
        return new JsonObject().put("id", id).put("instances", instances).put("cpus", 0.1).put("mem", 32)
                .put("cmd", "/bin/busybox httpd -p 8080 -h /www; while true; do /bin/busybox sleep 0.2; done")
                .put("networks", new JsonArray().add(new JsonObject().put("mode", "container/bridge")))
                .put("container", new JsonObject().put("type", "DOCKER")
                        .put("docker", new JsonObject().put("image", SampleImages.V1))
                        .put("portMappings", new JsonArray().add(new JsonObject().put("containerPort", 8080)
                                .put("hostPort", 0).put("name", "http"))))
                .put("healthChecks", new JsonArray().add(new JsonObject().put("protocol", "HTTP").put("path", "/health")
                        .put("portIndex", 0).put("gracePeriodSeconds", 10).put("intervalSeconds", 1)
                        .put("timeoutSeconds", 1).put("maxConsecutiveFailures", 3)))
                .put("readinessChecks", new JsonArray().add(readinessCheck));
    }

    static String url() {
        return extension.standIn().marathonUrl();
    }

    static JsonObject stored(String id) {
        return Http.get(url() + "/v2/apps" + id).json().getJsonObject("app");
    }

    @Test
    void aReadinessCheckIsAnsweredWithMarathonsDefaults() {
        Http.Response created = Http.send("POST", url() + "/v2/apps",
                app("/ready/defaults", 0, new JsonObject().put("portName", "http").put("path", "/ready")).encode());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(stored("/ready/defaults").getJsonArray("readinessChecks")).containsExactly(new JsonObject()
                .put("name", "readinessCheck").put("protocol", "HTTP").put("path", "/ready").put("portName", "http")
                .put("intervalSeconds", 30).put("timeoutSeconds", 10)
                .put("httpStatusCodesForReady", new JsonArray().add(200)).put("preserveLastResponse", false));
    }

    @Test
    void badReadinessChecksAreRefusedAsMarathonRefusesThem() {
        JsonObject bad = app("/ready/bad", 0, new JsonObject().put("portName", "admin").put("protocol", "TCP")
                .put("intervalSeconds", 5).put("timeoutSeconds", 5).put("httpStatusCodesForReady", new JsonArray()));
        Http.Response refused = Http.send("POST", url() + "/v2/apps", bad.encode());
        assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        JsonObject answer = new JsonObject(refused.body());
        assertThat(answer.getString("message")).isEqualTo("Object is not valid");
        assertThat(answer.getJsonArray("details").stream().map(d -> ((JsonObject) d).getString("path")))
                .containsExactlyInAnyOrder("/readinessChecks(0)/portName", "/readinessChecks(0)/protocol",
                        "/readinessChecks(0)/timeoutSeconds", "/readinessChecks(0)/httpStatusCodesForReady");
        assertThat(refused.body()).contains("is not one of (http)").contains("is not one of (HTTP,HTTPS)")
                .contains("got 5, expected less than 5");
        // the default port name (http-api) must name a port too
        Http.Response unnamed = Http.send("POST", url() + "/v2/apps", app("/ready/unnamed", 0, new JsonObject())
                .encode());
        assertThat(unnamed.status()).as(unnamed.body()).isEqualTo(422);
        assertThat(unnamed.body()).contains("/readinessChecks(0)/portName");
        Http.Response notAList = Http.send("POST", url() + "/v2/apps", app("/ready/object", 0, new JsonObject())
                .put("readinessChecks", new JsonObject()).encode());
        assertThat(notAList.status()).as(notAList.body()).isEqualTo(400);
        assertThat(notAList.body()).contains("error.expected.jsarray");
        assertThat(Http.get(url() + "/v2/apps").json().getJsonArray("apps")).as("nothing half-applied").isEmpty();
    }

    @Test
    void aDeploymentWaitsUntilTheNewTaskIsReady() throws Exception {
        SampleImages.build();
        Http.Response created = Http.send("POST", url() + "/v2/apps", app("/ready/wait", 1, new JsonObject()
                .put("portName", "http").put("path", "/ready").put("intervalSeconds", 2).put("timeoutSeconds", 1))
                .encode());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> stored("/ready/wait").getInteger("tasksHealthy") == 1);
        // healthy, not ready: the deployment goes on
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> !Http.get(url() + "/v2/deployments").array().isEmpty());
        List<String> containers = extension.standIn().taskContainerIds();
        assertThat(containers).hasSize(1);
        try (DockerTasks docker = new DockerTasks(null, true)) {
            String exec = docker.client().execCreateCmd(containers.get(0))
                    .withCmd("/bin/sh", "-c", "echo ok > /www/ready").exec().getId();
            assertThat(docker.client().execStartCmd(exec).exec(new ResultCallback.Adapter<>())
                    .awaitCompletion(30, TimeUnit.SECONDS)).isTrue();
        }
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> Http.get(url() + "/v2/deployments").array().isEmpty());
        assertThat(stored("/ready/wait").getInteger("tasksRunning")).isEqualTo(1);
    }
}
