package dev.quayside.marathonapplier.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DefinitionValidatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final DefinitionValidator validator = new DefinitionValidator();

    static Path fixture(String relative) {
        Path path = Path.of(System.getProperty("quayside.shared.dir", "../shared"), "fixtures", relative);
        assumeTrue(Files.exists(path), "skipped: third-party fixture " + path + " not found (../shared is present in CI)");
        return path;
    }

    static JsonNode read(String relative) throws IOException {
        return JSON.readTree(fixture(relative).toFile());
    }

    @Test
    void marathonsOwnExamplesAreAcceptedOrRejectedAsMarathonWould() throws IOException {
        // app.json sets both cmd and args, which Marathon refuses
        assertThat(validator.validateMarathon(read("marathon/app.json")))
                .containsExactly(new Violation("/", "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'."));
        assertThat(validator.validateMarathon(read("marathon/app-check-http-example.json"))).isEmpty();
        for (JsonNode app : read("marathon/apps_create.json")) {
            assertThat(validator.validateMarathon(app)).as(app.path("id").asText()).isEmpty();
        }
    }

    @Test
    void fixedAppJsonIsValid() throws IOException {
        ObjectNode app = (ObjectNode) read("marathon/app.json");
        app.remove("args");
        assertThat(validator.validateMarathon(app)).isEmpty();
    }

    @Test
    void badMarathonDefinitionsNameThePathAndTheRule() throws IOException {
        List<String[]> cases = List.of(
                new String[] {"{\"id\":\"/Bad_Id\",\"cmd\":\"x\"}", "/id"},
                new String[] {"{\"id\":\"/a/-b\",\"cmd\":\"x\"}", "/id"},
                new String[] {"{\"cmd\":\"x\"}", "/id"},
                new String[] {"{\"id\":\"/a\"}", "/"},
                new String[] {"{\"id\":\"/a\",\"cmd\":\"x\",\"instances\":-1}", "/instances"},
                new String[] {"{\"id\":\"/a\",\"cmd\":\"x\",\"instances\":1.5}", "/instances"},
                new String[] {"{\"id\":\"/a\",\"cmd\":\"x\",\"mem\":\"lots\"}", "/mem"},
                new String[] {"{\"id\":\"/a\",\"cmd\":\"x\",\"upgradeStrategy\":{\"minimumHealthCapacity\":1.5}}",
                        "/upgradeStrategy/minimumHealthCapacity"},
                new String[] {"{\"id\":\"/a\",\"container\":{\"type\":\"DOCKER\",\"docker\":{}}}", "/container/docker/image"},
                new String[] {"{\"id\":\"/a\",\"container\":{\"docker\":{\"image\":\"i\",\"portMappings\":[{\"containerPort\":70000}]}}}",
                        "/container/docker/portMappings(0)/containerPort"},
                new String[] {"{\"id\":\"/a\",\"cmd\":\"x\",\"healthChecks\":[{\"protocol\":\"HTTP\",\"portIndex\":2}]}",
                        "/healthChecks(0)/portIndex"},
                new String[] {"{\"id\":\"/a\",\"cmd\":\"x\",\"healthChecks\":[{\"protocol\":\"SMTP\"}]}", "/healthChecks(0)/protocol"},
                new String[] {"{\"id\":\"/a\",\"cmd\":\"x\",\"env\":{\"A\":1}}", "/env/A"},
                new String[] {"[1]", "/"});
        for (String[] c : cases) {
            assertThat(validator.validateMarathon(JSON.readTree(c[0]))).as(c[0]).extracting(Violation::path).contains(c[1]);
        }
    }

    @Test
    void chronosExamplesAreValidAndBadJobsAreNot() throws IOException {
        for (String job : List.of("dependent-job", "docker-job", "iso8601-job", "sample-job")) {
            assertThat(validator.validateChronos(read("chronos/" + job + ".json"))).as(job).isEmpty();
        }
        // a container fragment without a name is not a job
        assertThat(validator.validateChronos(read("chronos/docker-container-force-pull.json")))
                .extracting(Violation::path).contains("/name");
        List<String[]> cases = List.of(
                new String[] {"{\"name\":\"bad name\",\"command\":\"x\",\"schedule\":\"R/2026-01-01T00:00:00Z/PT1M\"}", "/name"},
                new String[] {"{\"name\":\"j\",\"command\":\"x\",\"schedule\":\"every minute\"}", "/schedule"},
                new String[] {"{\"name\":\"j\",\"command\":\"x\",\"schedule\":\"R/yesterday/PT1M\"}", "/schedule"},
                new String[] {"{\"name\":\"j\",\"command\":\"x\",\"schedule\":\"R/2026-01-01T00:00:00Z/PT1Q\"}", "/schedule"},
                new String[] {"{\"name\":\"j\",\"command\":\"x\"}", "/schedule"},
                new String[] {"{\"name\":\"j\",\"command\":\"x\",\"schedule\":\"R/2026-01-01T00:00:00Z/PT1M\",\"parents\":[\"p\"]}", "/parents"},
                new String[] {"{\"name\":\"j\",\"schedule\":\"R/2026-01-01T00:00:00Z/PT1M\"}", "/command"});
        for (String[] c : cases) {
            assertThat(validator.validateChronos(JSON.readTree(c[0]))).as(c[0]).extracting(Violation::path).contains(c[1]);
        }
    }
}
