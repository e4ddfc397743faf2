package dev.quayside.devstack.marathon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.devstack.mesos.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Quayside's own Marathon definitions ({@code helm-free-deploy/marathon/*.json}) as issue #21 item 7 and #26 want them:
 * Marathon 1.5+'s networking form, a liveness health check, readiness under {@code readinessChecks}, a kill grace
 * period; the stand-in accepts each and answers every field the definition sets unchanged (no permanent drift).
 */
class HelmFreeDeployDefinitionsTest {

    @RegisterExtension
    static MarathonStandInExtension extension = new MarathonStandInExtension();

    static List<Path> definitions() throws IOException {
        Path dir = MarathonStandInMainTest.repositoryRoot().resolve("helm-free-deploy/marathon");
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> list = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
            assertThat(list).as(dir.toString()).hasSizeGreaterThanOrEqualTo(7);
            return list;
        }
    }

    /** As deploy.sh renders it, with loopback values; no task is started (instances 0). */
    static JsonObject rendered(Path file) throws IOException {
        String text = Files.readString(file).replace("${QUAYSIDE_AGENT_COUNT}", "1")
                .replace("${QUAYSIDE_IMAGE_PREFIX}", "127.0.0.1:1/")
                .replace("${QUAYSIDE_CONFIG_DIR}", "/etc/quayside/config")
                .replace("${QUAYSIDE_SECRETS_DIR}", "/etc/quayside/secrets").replaceAll("\\$\\{[A-Z0-9_]+}", "v");
        return new JsonObject(text).put("instances", 0);
    }

    @Test
    void everyDefinitionChecksLivenessDeclaresReadinessAndHasAKillGracePeriod() throws IOException {
        for (Path file : definitions()) {
            JsonObject app = rendered(file);
            String name = file.getFileName().toString();
            JsonObject container = app.getJsonObject("container");
            assertThat(app.getJsonArray("networks")).as(name).containsExactly(
                    new JsonObject().put("mode", "container/bridge"));
            assertThat(container.getJsonObject("docker").fieldNames()).as(name + ": 1.4 fields")
                    .doesNotContain("network", "portMappings");
            JsonArray mappings = container.getJsonArray("portMappings");
            assertThat(mappings).as(name).isNotEmpty();
            assertThat(app.getJsonArray("healthChecks")).as(name).hasSize(1);
            JsonObject health = app.getJsonArray("healthChecks").getJsonObject(0);
            assertThat(health.getString("path")).as(name).isEqualTo("/q/health/live");
            assertThat(app.getJsonArray("readinessChecks")).as(name).hasSize(1);
            JsonObject ready = app.getJsonArray("readinessChecks").getJsonObject(0);
            assertThat(ready.getString("path")).as(name).isEqualTo("/q/health/ready");
            assertThat(ready.getString("portName")).as(name + ": the readiness port is the health-checked one")
                    .isEqualTo(mappings.getJsonObject(health.getInteger("portIndex")).getString("name"));
            assertThat(app.getInteger("taskKillGracePeriodSeconds")).as(name).isGreaterThanOrEqualTo(30);
        }
    }

    @Test
    void theStandInAcceptsEachAndAnswersWhatItSetsUnchanged() throws IOException {
        String url = extension.standIn().marathonUrl();
        for (Path file : definitions()) {
            JsonObject app = rendered(file);
            Http.Response put = Http.send("PUT", url + "/v2/apps" + app.getString("id"), app.encode());
            assertThat(put.status()).as(file + ": " + put.body()).isIn(200, 201);
            JsonObject answered = Http.get(url + "/v2/apps" + app.getString("id")).json().getJsonObject("app");
            assertSubset(file.getFileName().toString(), app, answered);
        }
    }

    /** Every field {@code expected} sets is in {@code actual} with the same value (Marathon adds its defaults). */
    static void assertSubset(String path, Object expected, Object actual) {
        if (expected instanceof JsonObject e) {
            assertThat(actual).as(path).isInstanceOf(JsonObject.class);
            for (String key : e.fieldNames()) {
                assertSubset(path + "/" + key, e.getValue(key), ((JsonObject) actual).getValue(key));
            }
        } else if (expected instanceof JsonArray e) {
            assertThat(actual).as(path).isInstanceOf(JsonArray.class);
            assertThat(((JsonArray) actual).size()).as(path).isEqualTo(e.size());
            for (int i = 0; i < e.size(); i++) {
                assertSubset(path + "(" + i + ")", e.getValue(i), ((JsonArray) actual).getValue(i));
            }
        } else if (expected instanceof Number e) {
            assertThat(actual).as(path).isInstanceOf(Number.class);
            assertThat(((Number) actual).doubleValue()).as(path).isEqualTo(e.doubleValue());
        } else {
            assertThat(actual).as(path).isEqualTo(expected);
        }
    }
}
