package dev.quayside.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.devstack.launcher.DockerCli;
import dev.quayside.devstack.launcher.LocalRun;
import dev.quayside.devstack.launcher.OnMarathon;
import dev.quayside.devstack.launcher.PipelineWatch;
import dev.quayside.devstack.mesos.DockerTasks;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #26, "the mesh on Marathon": what {@code bin/quayside up --on-marathon} does, checked. Quayside's images built
 * here and pushed to the run's registry, {@code helm-free-deploy/} deployed in host networking onto the Marathon
 * stand-in, which runs every app as a real container in Docker's host network; each app's task healthy and ready in
 * Marathon, running the image of its service with its settings mounted; a commit of the sample app through the
 * containerised mesh (git-watcher → image-builder → config-syncer → marathon-applier → registrator → edge-router's
 * HAProxy) registered in Consul by the containerised registrator and served through HAProxy on 127.0.0.1. Every
 * container and image it made is removed.
 */
class OnMarathonE2ETest {

    static final Path ROOT = Path.of(System.getProperty("quayside.root", "..")).toAbsolutePath().normalize();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path home;

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void quaysideRunsAsMarathonAppsAndTakesACommitLiveThroughTheContainers() throws Exception {
        Set<String> imagesBefore = Set.copyOf(images());
        OnMarathon mesh = OnMarathon.start(new OnMarathon.Options(ROOT, home, false, Duration.ofMinutes(6)));
        String standIn = mesh.stack().marathonStandInId();
        String registry = mesh.stack().registryAddress();
        try {
            mesh.deploy(System.out);
            assertThat(mesh.appIds()).as("the seven services and the board").hasSize(8);
            for (String id : mesh.appIds()) {
                String service = id.substring("/quayside/".length());
                JsonObject app = mesh.app(id);
                assertThat(OnMarathon.deployed(app)).as(id + ": " + app).isTrue();
                assertThat(app.getJsonArray("networks")).containsExactly(new JsonObject().put("mode", "host"));
                assertThat(app.getJsonObject("container").getJsonObject("docker").getString("image"))
                        .isEqualTo(mesh.image(service));
                JsonArray tasks = app.getJsonArray("tasks");
                assertThat(tasks).as(id).hasSize(1);
                JsonObject task = tasks.getJsonObject(0);
                assertThat(task.getString("state")).isEqualTo("TASK_RUNNING");
                assertThat(task.getJsonArray("healthCheckResults")).as(id).isNotEmpty()
                        .allSatisfy(result -> assertThat(((JsonObject) result).getBoolean("alive")).isTrue());
                int port = task.getJsonArray("ports").getInteger(0);
                assertThat(port).as(id + ": requirePorts, the service's own port")
                        .isEqualTo(LocalRun.SERVICES.get(service));
                assertThat(get("http://127.0.0.1:" + port + "/q/health/ready").statusCode()).as(id).isEqualTo(200);
                String container = DockerCli.run(Duration.ofSeconds(30), "ps", "-q", "--filter",
                        "label=" + DockerTasks.LABEL_APP_ID + "=" + id).strip();
                assertThat(DockerCli.run(Duration.ofSeconds(30), "inspect", "-f",
                        "{{.HostConfig.NetworkMode}} {{.Config.User}}", container).strip())
                        .as(id + ": in the host network, as the images' non-root user").isEqualTo("host 10001:10001");
            }

            String version = "1." + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd.HHmmss"));
            PipelineWatch.Result result = mesh.pushSample(version, Duration.ofMinutes(5), System.out);
            StringBuilder logs = new StringBuilder();
            if (!result.live()) {
                mesh.appIds().forEach(id -> logs.append("---- ").append(id).append('\n')
                        .append(mesh.containerLog(id)));
            }
            assertThat(result.live()).as(result.failure() + "\n" + logs).isTrue();
            assertThat(get("http://127.0.0.1:" + OnMarathon.FRONTEND_PORT + "/version").body().strip())
                    .as("HAProxy in edge-router's container serves the new version").isEqualTo(version);

            JsonArray registered = new JsonArray(get(mesh.stack().consulUrl() + "/v1/catalog/service/"
                    + LocalRun.APP_REPO).body());
            JsonObject sample = mesh.app("/" + LocalRun.ENVIRONMENT + "/" + LocalRun.APP_REPO);
            List<Integer> taskPorts = new ArrayList<>();
            sample.getJsonArray("tasks").forEach(t -> taskPorts.add(((JsonObject) t).getJsonArray("ports")
                    .getInteger(0)));
            assertThat(registered).as("the containerised registrator registered the sample app's task").isNotEmpty();
            assertThat(registered).anySatisfy(entry -> {
                JsonObject instance = (JsonObject) entry;
                assertThat(instance.getString("ServiceAddress")).isEqualTo("127.0.0.1");
                assertThat(taskPorts).contains(instance.getInteger("ServicePort"));
            });
        } finally {
            mesh.close();
            List<String> made = made(imagesBefore, registry);
            for (String image : made) {
                try {
                    DockerCli.run(Duration.ofSeconds(60), "rmi", image);
                } catch (IllegalStateException e) {
                    System.out.println("could not remove " + image + ": " + e.getMessage()); // asserted below
                }
            }
        }
        assertThat(DockerCli.run(Duration.ofSeconds(30), "ps", "-aq", "--filter",
                "label=" + DockerTasks.LABEL_STAND_IN + "=" + standIn).strip()).as("no container left").isEmpty();
        assertThat(made(imagesBefore, registry)).as("no image left that the test made").isEmpty();
    }

    /**
     * The images this test made: those of its registry (the services', the sample app's builds) and the local
     * {@code quayside/...} tags {@code bin/quayside images} made, that were not there before. Other tests' images
     * (other registries) are not its to remove.
     */
    static List<String> made(Set<String> before, String registry) {
        List<String> made = new ArrayList<>(images());
        made.removeAll(before);
        made.removeIf(image -> !image.startsWith("quayside/") && !image.startsWith(registry + "/"));
        return made;
    }

    static List<String> images() {
        return DockerCli.run(Duration.ofSeconds(60), "images", "--format", "{{.Repository}}:{{.Tag}}").lines()
                .filter(line -> !line.isBlank() && !line.endsWith(":<none>")).toList();
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
