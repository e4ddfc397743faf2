package dev.quayside.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.quayside.devstack.launcher.LocalRun;
import dev.quayside.devstack.marathon.MarathonStandIn;
import dev.quayside.events.EventCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The ways to run Quayside outside the local run: docker-compose.yml and helm-free-deploy/. */
class DeploymentArtifactsTest {

    static final Path ROOT = Path.of(System.getProperty("quayside.root", "..")).toAbsolutePath().normalize();

    @Test
    void dockerComposeIsValidAndBuildsEveryServiceWithItsSettings() throws Exception {
        Process process = new ProcessBuilder("docker-compose", "-f", ROOT.resolve("docker-compose.yml").toString(),
                "config").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("docker-compose config:\n" + output).isZero();
        JsonNode services = new ObjectMapper(new YAMLFactory()).readTree(output).path("services");
        for (String module : LocalRun.SERVICES.keySet()) {
            JsonNode service = services.path(module);
            assertThat(service.isMissingNode()).as(module + " in docker-compose.yml").isFalse();
            assertThat(service.path("build").path("args").path("MODULE").asText()).as(module).isEqualTo(module);
            assertThat(service.path("build").path("dockerfile").asText()).isEqualTo("deploy/Dockerfile.service");
            assertThat(service.path("environment").path("KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo("kafka:9092");
            assertThat(service.path("environment").path("QUAYSIDE_CONSUL_URL").asText()).isEqualTo("http://consul:8500");
            assertThat(Files.isDirectory(ROOT.resolve(module).resolve("target/quarkus-app")))
                    .as(module + " is packaged where deploy/Dockerfile.service copies it from").isTrue();
        }
        for (String dependency : new String[] {"kafka", "consul", "zookeeper", "mesos-master", "mesos-agent",
                "marathon", "chronos", "registry"}) {
            assertThat(services.has(dependency)).as(dependency).isTrue();
        }
        assertThat(services.path("marathon-applier").path("environment")
                .path("QUAYSIDE_MARATHON_APPLIER_DEFAULTS_MARATHON_URL").asText()).isEqualTo("http://marathon:8080");
    }

    @Test
    void helmFreeDeployIsAcceptedByMarathon() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (MarathonStandIn marathon = MarathonStandIn.start()) {
            // images on a closed loopback port: the definitions are checked, nothing is pulled from outside
            ProcessBuilder builder = new ProcessBuilder(ROOT.resolve("helm-free-deploy/deploy.sh").toString())
                    .redirectErrorStream(true);
            builder.environment().put("MARATHON_URL", marathon.marathonUrl());
            builder.environment().put("CHRONOS_URL", marathon.chronosUrl());
            builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
            builder.environment().put("CONSUL_URL", "http://127.0.0.1:8500");
            builder.environment().put("QUAYSIDE_IMAGE_PREFIX", "127.0.0.1:1/");
            builder.environment().put("QUAYSIDE_VERSION", "test");
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            for (String module : LocalRun.SERVICES.keySet()) {
                assertThat(output).contains("applied /quayside/" + module);
                HttpResponse<String> app = http.send(HttpRequest.newBuilder(URI.create(marathon.marathonUrl()
                        + "/v2/apps/quayside/" + module)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(app.statusCode()).isEqualTo(200);
                JsonNode definition = EventCodec.mapper().readTree(app.body()).path("app");
                assertThat(definition.path("container").path("docker").path("image").asText())
                        .isEqualTo("127.0.0.1:1/quayside/" + module + ":test");
                assertThat(definition.path("healthChecks").path(0).path("path").asText()).isEqualTo("/q/health/live");
                assertThat(definition.path("readinessChecks").path(0).path("path").asText()).isEqualTo("/q/health/ready");
                assertThat(definition.path("env").path("KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo("127.0.0.1:9092");
                http.send(HttpRequest.newBuilder(URI.create(marathon.marathonUrl() + "/v2/apps/quayside/" + module
                        + "?force=true")).DELETE().build(), HttpResponse.BodyHandlers.discarding());
            }
            JsonNode registrator = EventCodec.mapper().readTree(Files.readString(ROOT.resolve(
                    "helm-free-deploy/marathon/registrator.json")).replace("${QUAYSIDE_AGENT_COUNT}", "1"));
            assertThat(registrator.path("constraints").path(0).toString()).isEqualTo("[\"hostname\",\"UNIQUE\"]");
        }
    }
}
