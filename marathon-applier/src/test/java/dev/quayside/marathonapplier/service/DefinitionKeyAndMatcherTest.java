package dev.quayside.marathonapplier.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quayside.events.DeploymentTarget;
import org.junit.jupiter.api.Test;

class DefinitionKeyAndMatcherTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void keysOfTheMirrorAreParsed() {
        assertThat(DefinitionKey.parse("quayside/config/deploy/main/marathon/staging/web.json")).contains(
                new DefinitionKey("quayside/config/deploy/main/marathon/staging/web.json", "marathon/staging/web.json",
                        DeploymentTarget.MARATHON, "staging", "web"));
        assertThat(DefinitionKey.parse("chronos/prod/nightly.json").orElseThrow().target()).isEqualTo(DeploymentTarget.CHRONOS);
        assertThat(DefinitionKey.parse("quayside/config/deploy/main.ref")).isEmpty();
        assertThat(DefinitionKey.parse("quayside/config/deploy/main/marathon/staging/web.yaml")).isEmpty();
        assertThat(DefinitionKey.parse("quayside/config/deploy/main/marathon/web.json")).isEmpty();
    }

    @Test
    void whatMarathonReportsMatchesTheDefinitionItCameFrom() throws Exception {
        var wanted = JSON.readTree("{\"id\":\"staging/web\",\"instances\":2,\"cpus\":0.1,"
                + "\"container\":{\"docker\":{\"image\":\"r/web:1\"}},\"env\":{\"A\":\"1\"}}");
        var running = JSON.readTree("{\"id\":\"/staging/web\",\"instances\":2,\"cpus\":0.10,\"mem\":128,"
                + "\"container\":{\"type\":\"DOCKER\",\"docker\":{\"image\":\"r/web:1\",\"network\":\"BRIDGE\"}},"
                + "\"env\":{\"A\":\"1\"},\"version\":\"2026-11-27T10:00:00.000Z\",\"tasksRunning\":2}");
        assertThat(DefinitionMatcher.matches(wanted, running)).isTrue();
        var otherImage = JSON.readTree(running.toString().replace("r/web:1", "r/web:2"));
        assertThat(DefinitionMatcher.matches(wanted, otherImage)).isFalse();
        var scaled = JSON.readTree(running.toString().replace("\"instances\":2", "\"instances\":3"));
        assertThat(DefinitionMatcher.matches(wanted, scaled)).isFalse();
        var extraEnv = JSON.readTree(running.toString().replace("{\"A\":\"1\"}", "{\"A\":\"1\",\"B\":\"2\"}"));
        assertThat(DefinitionMatcher.matches(wanted, extraEnv)).as("Marathon keeps only what was sent: extra env is fine")
                .isTrue();
    }

    @Test
    void aDefinitionInMarathon14sNetworkingFormRunsAsMarathon15AnswersIt() throws Exception {
        var wanted = JSON.readTree("{\"id\":\"/local/web\",\"instances\":1,\"container\":{\"type\":\"DOCKER\","
                + "\"docker\":{\"image\":\"r/web:1\",\"network\":\"BRIDGE\",\"portMappings\":[{\"containerPort\":8080,"
                + "\"hostPort\":0,\"protocol\":\"tcp\"}]}}}");
        var answered = JSON.readTree("{\"id\":\"/local/web\",\"instances\":1,\"networks\":[{\"mode\":\"container/bridge\"}],"
                + "\"requirePorts\":false,\"container\":{\"type\":\"DOCKER\",\"docker\":{\"image\":\"r/web:1\"},"
                + "\"portMappings\":[{\"containerPort\":8080,\"hostPort\":0,\"protocol\":\"tcp\",\"servicePort\":10000}]}}");
        assertThat(DefinitionMatcher.matches(wanted, answered)).as("field by field, the two forms differ").isFalse();
        assertThat(DefinitionMatcher.runs(wanted, answered)).isTrue();
        var otherPort = JSON.readTree(answered.toString().replace("\"containerPort\":8080", "\"containerPort\":9090"));
        assertThat(DefinitionMatcher.runs(wanted, otherPort)).isFalse();
        var hostMode = JSON.readTree(answered.toString().replace("container/bridge", "host"));
        assertThat(DefinitionMatcher.runs(wanted, hostMode)).as("another network mode is a change").isFalse();
    }

    @Test
    void aDefinitionInMarathon15sFormRunsAsMarathon14Answers() throws Exception {
        java.nio.file.Path fixture = java.nio.file.Path.of(System.getProperty("quayside.shared.dir", "../../shared"),
                "fixtures/marathon/app.json");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(fixture),
                "../shared/fixtures not found: " + fixture);
        var answered = JSON.readTree(fixture.toFile()); // a real answer in the 1.4 form (docker.network)
        var wanted = JSON.readTree("{\"id\":\"/foo\",\"networks\":[{\"mode\":\"container/bridge\"}],"
                + "\"container\":{\"type\":\"DOCKER\",\"docker\":{\"image\":\"mesosphere:marathon/latest\"},"
                + "\"portMappings\":[{\"containerPort\":80,\"hostPort\":0,\"name\":\"http\"}]}}");
        assertThat(DefinitionMatcher.runs(wanted, answered)).isTrue();
        var host = JSON.readTree(wanted.toString().replace("container/bridge", "host"));
        assertThat(DefinitionMatcher.runs(host, answered)).isFalse();
    }
}
