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
}
