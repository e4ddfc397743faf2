package dev.quayside.devstack.marathon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.quayside.devstack.common.FreePorts;
import dev.quayside.devstack.mesos.DockerTasks;
import dev.quayside.devstack.mesos.Http;
import dev.quayside.devstack.mesos.SampleImages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Quayside's own definitions ask of Marathon (helm-free-deploy, {@code bin/quayside up --on-marathon}): host
 * networking in Docker's host network with the ports Marathon assigns and its port variables, {@code requirePorts},
 * host-path volumes, the {@code group-add} docker parameter, and a clear refusal of what the stand-in cannot run.
 */
class MarathonHostNetworkTest {

    @RegisterExtension
    static MarathonStandInExtension extension = new MarathonStandInExtension(
            MarathonStandIn.options().hostNetwork(true).deploymentTimeout(Duration.ofSeconds(30)));

    static String url;
    static DockerTasks docker;

    @BeforeAll
    static void start() {
        SampleImages.build();
        url = extension.standIn().marathonUrl();
        docker = new DockerTasks(null, true);
    }

    @AfterAll
    static void stop() {
        docker.close();
    }

    @AfterEach
    void deleteApps() {
        StandIns.deleteAllApps(extension.standIn());
    }

    /** busybox httpd on the loopback, on the host port the shell variable {@code port} names. */
    static JsonObject hostApp(String id, String port, JsonArray portDefinitions) {
        return new JsonObject().put("id", id).put("instances", 1).put("cpus", 0.1).put("mem", 32)
                .put("cmd", "exec /bin/busybox httpd -f -p 127.0.0.1:$" + port + " -h /www")
                .put("networks", new JsonArray().add(new JsonObject().put("mode", "host")))
                .put("portDefinitions", portDefinitions)
                .put("container", new JsonObject().put("type", "DOCKER")
                        .put("docker", new JsonObject().put("image", SampleImages.V1)))
                .put("healthChecks", new JsonArray().add(new JsonObject().put("protocol", "HTTP").put("path", "/health")
                        .put("portIndex", 0).put("gracePeriodSeconds", 10).put("intervalSeconds", 1)
                        .put("timeoutSeconds", 1).put("maxConsecutiveFailures", 3)))
                .put("taskKillGracePeriodSeconds", 1);
    }

    static JsonArray onePort() {
        return new JsonArray().add(new JsonObject().put("port", 0).put("protocol", "tcp"));
    }

    static JsonObject healthyTask(String id) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonObject app = Http.get(url + "/v2/apps" + id).json().getJsonObject("app");
            return app.getInteger("tasksHealthy") == 1 && Http.get(url + "/v2/deployments").array().isEmpty();
        });
        return Http.get(url + "/v2/apps" + id).json().getJsonObject("app").getJsonArray("tasks").getJsonObject(0);
    }

    static InspectContainerResponse container(String appId) {
        List<DockerTasks.Owned> owned = docker.list(DockerTasks.LABEL_APP_ID, appId);
        assertThat(owned).hasSize(1);
        return docker.client().inspectContainerCmd(owned.get(0).id()).exec();
    }

    @Test
    void aHostNetworkedTaskRunsInTheHostNetworkOnItsAssignedPortsWithMarathonsPortVariables() {
        JsonObject app = hostApp("/hostnet/web", "PORT_HTTP", new JsonArray()
                .add(new JsonObject().put("port", 0).put("protocol", "tcp").put("name", "http"))
                .add(new JsonObject().put("port", 0).put("protocol", "tcp").put("name", "admin-api")));
        app.getJsonObject("container").getJsonObject("docker").put("parameters", new JsonArray()
                .add(new JsonObject().put("key", "group-add").put("value", "4242")));
        assertThat(Http.send("POST", url + "/v2/apps", app.encode()).status()).isEqualTo(201);

        JsonObject task = healthyTask("/hostnet/web");
        JsonArray ports = task.getJsonArray("ports");
        assertThat(ports).hasSize(2);
        int http = ports.getInteger(0);
        int admin = ports.getInteger(1);
        assertThat(Http.get("http://127.0.0.1:" + http + "/version").body())
                .as("the task bound its own host port on the loopback").isEqualTo("v1");
        InspectContainerResponse container = container("/hostnet/web");
        assertThat(container.getHostConfig().getNetworkMode()).isEqualTo("host");
        assertThat(container.getHostConfig().getPortBindings() == null
                || container.getHostConfig().getPortBindings().getBindings().isEmpty()).as("nothing published").isTrue();
        assertThat(container.getHostConfig().getGroupAdd()).containsExactly("4242");
        assertThat(List.of(container.getConfig().getEnv())).contains("PORT0=" + http, "PORT1=" + admin,
                "PORT=" + http, "PORTS=" + http + "," + admin, "PORT_HTTP=" + http, "PORT_ADMIN_API=" + admin,
                "HOST=127.0.0.1");
    }

    @Test
    void requirePortsRunsTheTaskOnThePortItsDefinitionGives() {
        int port = FreePorts.pick(1, List.of()).get(0);
        JsonObject app = hostApp("/hostnet/fixed", "PORT0", new JsonArray()
                .add(new JsonObject().put("port", port).put("protocol", "tcp").put("name", "http")))
                .put("requirePorts", true);
        assertThat(Http.send("PUT", url + "/v2/apps/hostnet/fixed", app.encode()).status()).isEqualTo(201);

        assertThat(healthyTask("/hostnet/fixed").getJsonArray("ports")).containsExactly(port);
        assertThat(Http.get("http://127.0.0.1:" + port + "/health").status()).isEqualTo(200);
    }

    @Test
    void hostPathVolumesAreBoundReadOnlyOrReadWriteAsTheirModeSays(@TempDir Path dir) throws IOException {
        Path ro = Files.createDirectories(dir.resolve("ro"));
        Path rw = Files.createDirectories(dir.resolve("rw"));
        Files.writeString(ro.resolve("health"), "from the host");
        JsonObject app = hostApp("/hostnet/volumes", "PORT0", new JsonArray()
                .add(new JsonObject().put("port", 0).put("protocol", "tcp")))
                .put("cmd", "echo written > /data/rw/out; if echo x > /data/ro/x; then echo yes > /data/rw/ro-writable;"
                        + " else echo no > /data/rw/ro-writable; fi;"
                        + " exec /bin/busybox httpd -f -p 127.0.0.1:$PORT0 -h /data/ro");
        app.getJsonObject("container").put("volumes", new JsonArray()
                .add(new JsonObject().put("containerPath", "/data/ro").put("hostPath", ro.toString()).put("mode", "RO"))
                .add(new JsonObject().put("containerPath", "/data/rw").put("hostPath", rw.toString())
                        .put("mode", "RW")));
        assertThat(Http.send("POST", url + "/v2/apps", app.encode()).status()).isEqualTo(201);

        int port = healthyTask("/hostnet/volumes").getJsonArray("ports").getInteger(0);
        assertThat(Http.get("http://127.0.0.1:" + port + "/health").body()).isEqualTo("from the host");
        assertThat(Files.readString(rw.resolve("out"))).isEqualTo("written\n");
        assertThat(Files.readString(rw.resolve("ro-writable"))).as("the RO volume refused the write").isEqualTo("no\n");
        assertThat(ro.resolve("x")).doesNotExist();
    }

    @Test
    void aDockerParameterTheStandInDoesNotPassOnIsAcceptedAsMarathonDoesAndItsTaskFailsSayingSo() {
        JsonObject privileged = hostApp("/hostnet/parameters", "PORT0", onePort());
        privileged.getJsonObject("container").getJsonObject("docker").put("parameters", new JsonArray()
                .add(new JsonObject().put("key", "group-add").put("value", "4242"))
                .add(new JsonObject().put("key", "privileged").put("value", "true")));
        assertThat(Http.send("POST", url + "/v2/apps", privileged.encode()).status()).as("Marathon accepts it")
                .isEqualTo(201);
        JsonObject failure = await().atMost(Duration.ofSeconds(30)).until(() -> Http.get(url
                + "/v2/apps/hostnet/parameters?embed=app.lastTaskFailure").json().getJsonObject("app")
                .getJsonObject("lastTaskFailure"), f -> f != null);
        assertThat(failure.getString("state")).isEqualTo("TASK_FAILED");
        assertThat(failure.getString("message")).isEqualTo("the Marathon stand-in passes on only group-add to docker"
                + " run, not --privileged=true");
        assertThat(docker.list(DockerTasks.LABEL_APP_ID, "/hostnet/parameters")).as("no container ran without it")
                .isEmpty();
        assertThat(Http.send("DELETE", url + "/v2/apps/hostnet/parameters?force=true", null).status()).isEqualTo(200);
    }

    @Test
    void whatTheStandInCannotRunIsRefusedWith400AndNothingIsCreated() {
        JsonObject relative = hostApp("/hostnet/refused", "PORT0", onePort());
        relative.getJsonObject("container").put("volumes", new JsonArray().add(new JsonObject()
                .put("containerPath", "/data").put("hostPath", "data").put("mode", "RW")));
        Http.Response sandbox = Http.send("PUT", url + "/v2/apps/hostnet/refused", relative.encode());
        assertThat(sandbox.status()).isEqualTo(400);
        assertThat(sandbox.json().getJsonArray("details").getString(0)).startsWith("/container/volumes(0)/hostPath:"
                + " must be an absolute path on this machine");

        JsonObject persistent = hostApp("/hostnet/refused", "PORT0", onePort());
        persistent.getJsonObject("container").put("volumes", new JsonArray().add(new JsonObject()
                .put("containerPath", "data").put("persistent", new JsonObject().put("size", 10)).put("mode", "RW")));
        assertThat(Http.send("POST", url + "/v2/apps", persistent.encode()).json().getJsonArray("details")
                .getString(0)).startsWith("/container/volumes(0): only host-path volumes run here");

        JsonObject badMode = hostApp("/hostnet/refused", "PORT0", onePort());
        badMode.getJsonObject("container").put("volumes", new JsonArray().add(new JsonObject()
                .put("containerPath", "/data").put("hostPath", "/tmp").put("mode", "rw")));
        Http.Response invalid = Http.send("POST", url + "/v2/apps", badMode.encode());
        assertThat(invalid.status()).as("Marathon's own rule: 422").isEqualTo(422);
        assertThat(invalid.json().getJsonArray("details").getJsonObject(0).getString("path"))
                .isEqualTo("/container/volumes(0)/mode");

        assertThat(Http.get(url + "/v2/apps/hostnet/refused").status()).as("nothing was created").isEqualTo(404);
        assertThat(docker.list(DockerTasks.LABEL_APP_ID, "/hostnet/refused")).isEmpty();
    }
}
