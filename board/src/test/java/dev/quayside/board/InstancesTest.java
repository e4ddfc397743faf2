package dev.quayside.board;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import dev.quayside.board.testing.PipelineScript;
import dev.quayside.devstack.docker.DockerEngine;
import dev.quayside.devstack.docker.SampleApp;
import dev.quayside.devstack.kafka.KafkaBrokerResource;
import dev.quayside.devstack.marathon.MarathonStandInResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Instances healthy/wanted come from Marathon: here the Marathon stand-in, running the sample app as real containers
 * with an HTTP health check.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = MarathonStandInResource.class, restrictToAnnotatedClass = true)
class InstancesTest {

    static final String IMAGE = "quayside-board-test:v1";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static PipelineScript script;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    /** The stand-in's address: the board's Marathon URL defaults to {@code quayside.marathon.url}, which it sets. */
    @ConfigProperty(name = "quayside.board.marathon.url")
    String marathon;

    @BeforeAll
    static void buildImage() throws Exception {
        DockerClient docker = DockerEngine.requireRunning();
        Path dir = SampleApp.writeSource(Files.createTempDirectory("board-image-"), "1.0.0");
        docker.buildImageCmd(dir.toFile()).withTags(Set.of(IMAGE)).exec(new BuildImageResultCallback())
                .awaitImageId(2, TimeUnit.MINUTES);
    }

    @AfterAll
    static void close() {
        if (script != null) {
            script.close();
            script = null;
        }
    }

    @Test
    void theGridShowsHowManyInstancesMarathonRunsHealthyOfHowManyWanted() throws Exception {
        script = new PipelineScript(bootstrap);
        String app = PipelineScript.unique("shop");
        putApp("/dev/" + app, 2);
        PipelineScript.Chain chain = script.chain(app).all("dev");
        PipelineScript.Chain elsewhere = script.chain(PipelineScript.unique("ghost")).all("dev");

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonPath dev = given().get("/api/apps/" + app).then().statusCode(200).extract().jsonPath();
            assertThat(dev.<Integer>get("environments.dev.wanted")).as("environments.dev.wanted").isEqualTo(2);
            assertThat(dev.<Integer>get("environments.dev.healthy")).as("environments.dev.healthy").isEqualTo(2);
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(given().get("/api/apps/" + elsewhere.app)
                .then().extract().jsonPath().getString("environments.dev.instancesError"))
                .isEqualTo("Marathon has no app /dev/" + elsewhere.app));

        putApp("/dev/" + app, 1);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonPath dev = given().get("/api/apps/" + app).then().extract().jsonPath();
            assertThat(dev.<Integer>get("environments.dev.wanted")).as("environments.dev.wanted").isEqualTo(1);
            assertThat(dev.<Integer>get("environments.dev.healthy")).as("environments.dev.healthy").isEqualTo(1);
        });
        assertThat(chain.id()).isNotBlank();
    }

    void putApp(String id, int instances) throws Exception {
        String body = "{\"id\": \"" + id + "\", \"instances\": " + instances + ", \"cpus\": 0.1, \"mem\": 32,"
                + " \"container\": {\"type\": \"DOCKER\", \"docker\": {\"image\": \"" + IMAGE + "\", \"network\": \"BRIDGE\","
                + " \"portMappings\": [{\"containerPort\": 8080, \"hostPort\": 0, \"protocol\": \"tcp\"}]}},"
                + " \"healthChecks\": [{\"protocol\": \"HTTP\", \"path\": \"/health\", \"portIndex\": 0,"
                + " \"gracePeriodSeconds\": 5, \"intervalSeconds\": 1, \"timeoutSeconds\": 1, \"maxConsecutiveFailures\": 2}]}";
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(marathon + "/v2/apps" + id))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
    }
}
