package dev.quayside.devstack.marathon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.devstack.mesos.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

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

    /** Runs {@code deploy.sh --render-to dir} with loopback values and {@code extraEnv}; returns its exit and output. */
    static Rendered render(Path dir, Map<String, String> extraEnv) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(MarathonStandInMainTest.repositoryRoot()
                .resolve("helm-free-deploy/deploy.sh").toString(), "--render-to", dir.toString())
                .redirectErrorStream(true);
        builder.environment().remove("MARATHON_URL");
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
        builder.environment().put("CONSUL_URL", "http://127.0.0.1:8500");
        builder.environment().put("QUAYSIDE_IMAGE_PREFIX", "127.0.0.1:1/");
        builder.environment().putAll(extraEnv);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Rendered(process.exitValue(), output);
    }

    record Rendered(int exit, String output) {
    }

    @Test
    void deployShRendersEveryDefinitionInHostNetworkingFromTheSameFilesAndTheStandInAcceptsIt(@TempDir Path dir)
            throws Exception {
        Rendered rendered = render(dir, Map.of("QUAYSIDE_NETWORK", "host", "QUAYSIDE_BIND_ADDRESS", "127.0.0.1"));
        assertThat(rendered.exit()).as(rendered.output()).isZero();
        String url = extension.standIn().marathonUrl();
        for (Path source : definitions()) {
            JsonObject bridge = rendered(source);
            JsonObject host = new JsonObject(Files.readString(dir.resolve(source.getFileName()))).put("instances", 0);
            String name = source.getFileName().toString();
            assertThat(host.getJsonArray("networks")).as(name).containsExactly(new JsonObject().put("mode", "host"));
            assertThat(host.getJsonObject("container").containsKey("portMappings")).as(name).isFalse();
            assertThat(host.getBoolean("requirePorts")).as(name).isTrue();
            JsonArray mappings = bridge.getJsonObject("container").getJsonArray("portMappings");
            JsonArray ports = host.getJsonArray("portDefinitions");
            assertThat(ports).as(name).hasSameSizeAs(mappings);
            for (int i = 0; i < mappings.size(); i++) {
                assertThat(ports.getJsonObject(i)).as(name + ": the service's own port, fixed, same name")
                        .isEqualTo(new JsonObject().put("name", mappings.getJsonObject(i).getString("name"))
                                .put("port", mappings.getJsonObject(i).getInteger("containerPort"))
                                .put("protocol", "tcp"));
            }
            assertThat(host.getJsonObject("env").getString("QUARKUS_HTTP_HOST")).as(name).isEqualTo("127.0.0.1");
            JsonObject rest = host.copy();
            JsonObject restBridge = bridge.copy();
            for (JsonObject app : List.of(rest, restBridge)) {
                app.remove("networks");
                app.remove("portDefinitions");
                app.remove("requirePorts");
                app.getJsonObject("container").remove("portMappings");
                app.getJsonObject("env").remove("QUARKUS_HTTP_HOST");
                app.getJsonObject("env").remove("QUAYSIDE_EDGE_ROUTER_FRONTEND_BIND_ADDRESS");
            }
            restBridge.getJsonObject("container").getJsonObject("docker").put("image",
                    rest.getJsonObject("container").getJsonObject("docker").getString("image"));
            restBridge.put("env", restBridge.getJsonObject("env").copy());
            rest.getJsonObject("env").fieldNames().forEach(key -> restBridge.getJsonObject("env").put(key,
                    rest.getJsonObject("env").getValue(key)));
            assertThat(rest.fieldNames()).as(name + ": nothing else changes").isEqualTo(restBridge.fieldNames());
            assertThat(rest.getJsonArray("healthChecks")).as(name).isEqualTo(restBridge.getJsonArray("healthChecks"));
            assertThat(rest.getJsonArray("readinessChecks")).as(name)
                    .isEqualTo(restBridge.getJsonArray("readinessChecks"));
            assertThat(rest.getJsonObject("container").getJsonArray("volumes")).as(name)
                    .isEqualTo(restBridge.getJsonObject("container").getJsonArray("volumes"));
            Http.Response put = Http.send("PUT", url + "/v2/apps" + host.getString("id"), host.encode());
            assertThat(put.status()).as(name + ": " + put.body()).isIn(200, 201);
            assertSubset(name, host, Http.get(url + "/v2/apps" + host.getString("id")).json().getJsonObject("app"));
        }
        JsonObject router = new JsonObject(Files.readString(dir.resolve("edge-router.json")));
        assertThat(router.getJsonObject("env").getString("QUAYSIDE_EDGE_ROUTER_FRONTEND_BIND_ADDRESS"))
                .isEqualTo("127.0.0.1");
    }

    @Test
    void deployShRefusesAnUnknownNetworkOrABindAddressOutsideHostNetworkingBeforeRenderingAnything(
            @TempDir Path dir) throws Exception {
        Rendered unknown = render(dir, Map.of("QUAYSIDE_NETWORK", "overlay"));
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.output()).contains("QUAYSIDE_NETWORK is bridge or host, not: overlay");
        Rendered bind = render(dir, Map.of("QUAYSIDE_BIND_ADDRESS", "127.0.0.1"));
        assertThat(bind.exit()).isEqualTo(1);
        assertThat(bind.output()).contains("QUAYSIDE_BIND_ADDRESS is for QUAYSIDE_NETWORK=host");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.toList()).as("nothing rendered").isEmpty();
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
