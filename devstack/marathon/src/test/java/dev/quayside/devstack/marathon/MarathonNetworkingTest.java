package dev.quayside.devstack.marathon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.quayside.devstack.mesos.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Marathon 1.5+ answers in its networking form ({@code networks}, {@code container.portMappings}) whichever form an
 * app was given in (its {@code AppNormalization}; {@code docs/docs/upgrade/network-api-migration.md}), so both forms
 * of one app are the same app. Apps with no instances: nothing runs.
 */
class MarathonNetworkingTest {

    static MarathonStandIn marathon;
    static String url;
    static Path fixtures;

    @BeforeAll
    static void start() {
        fixtures = Paths.get(System.getProperty("quayside.shared.dir", "../shared"), "fixtures", "marathon");
        marathon = MarathonStandIn.start();
        url = marathon.marathonUrl();
    }

    @AfterAll
    static void stop() {
        marathon.close();
    }

    @AfterEach
    void deleteApps() {
        StandIns.deleteAllApps(marathon);
    }

    static JsonObject bridge14(String id) {
        return new JsonObject().put("id", id).put("instances", 0).put("cpus", 0.1).put("mem", 32)
                .put("container", new JsonObject().put("type", "DOCKER").put("docker", new JsonObject()
                        .put("image", "quayside/web:1").put("network", "BRIDGE").put("portMappings", new JsonArray()
                                .add(new JsonObject().put("containerPort", 8080).put("name", "http")))))
                .put("healthChecks", new JsonArray().add(new JsonObject().put("protocol", "HTTP").put("path", "/health")
                        .put("portIndex", 0)));
    }

    static JsonObject bridge15(String id) {
        return new JsonObject().put("id", id).put("instances", 0).put("cpus", 0.1).put("mem", 32)
                .put("networks", new JsonArray().add(new JsonObject().put("mode", "container/bridge")))
                .put("container", new JsonObject().put("type", "DOCKER")
                        .put("docker", new JsonObject().put("image", "quayside/web:1"))
                        .put("portMappings", new JsonArray().add(new JsonObject().put("containerPort", 8080)
                                .put("hostPort", 0).put("protocol", "tcp").put("name", "http"))))
                .put("healthChecks", new JsonArray().add(new JsonObject().put("protocol", "HTTP").put("path", "/health")
                        .put("portIndex", 0)));
    }

    static JsonObject app(String id) {
        return Http.get(url + "/v2/apps" + id).json().getJsonObject("app");
    }

    static void created(JsonObject app) {
        Http.Response r = Http.send("POST", url + "/v2/apps", app.encode());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(url + "/v2/deployments").array().isEmpty());
    }

    @Test
    void aBridgedAppIn14FormIsAnsweredIn15Form() {
        created(bridge14("/net/bridge"));
        JsonObject app = app("/net/bridge");
        assertThat(app.getJsonArray("networks")).containsExactly(new JsonObject().put("mode", "container/bridge"));
        JsonObject container = app.getJsonObject("container");
        assertThat(container.getJsonObject("docker").fieldNames()).doesNotContain("network", "portMappings");
        assertThat(container.getJsonArray("portMappings")).containsExactly(new JsonObject().put("containerPort", 8080)
                .put("name", "http").put("protocol", "tcp").put("servicePort", 0).put("hostPort", 0));
        assertThat(app.fieldNames()).as("no portDefinitions outside host networking").doesNotContain("portDefinitions");
        assertThat(app.getBoolean("requirePorts")).isFalse();
        // the POST answer and the versions are in the same form
        String version = app.getString("version");
        JsonObject stored = Http.get(url + "/v2/apps/net/bridge/versions/" + version).json();
        assertThat(stored.getJsonArray("networks")).isEqualTo(app.getJsonArray("networks"));
        assertThat(stored.getJsonObject("container")).isEqualTo(container);
    }

    @Test
    void bothFormsOfOneAppAreTheSameApp() {
        created(bridge14("/net/same"));
        String configVersion = app("/net/same").getJsonObject("versionInfo").getString("lastConfigChangeAt");
        try (SseRecorder sse = new SseRecorder(url, "?event_type=deployment_info")) {
            Http.Response put = Http.send("PUT", url + "/v2/apps/net/same", bridge15("/net/same").encode());
            assertThat(put.status()).as(put.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> !sse.events().isEmpty());
            assertThat(sse.events().get(0).getJsonObject("currentStep").getJsonArray("actions").getJsonObject(0)
                    .getString("action")).as("no config change: nothing to restart").isEqualTo("ScaleApplication");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(url + "/v2/deployments").array().isEmpty());
        assertThat(app("/net/same").getJsonObject("versionInfo").getString("lastConfigChangeAt"))
                .isEqualTo(configVersion);

        created(bridge15("/net/same15"));
        String config15 = app("/net/same15").getJsonObject("versionInfo").getString("lastConfigChangeAt");
        assertThat(Http.send("PUT", url + "/v2/apps/net/same15", bridge14("/net/same15").encode()).status())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(url + "/v2/deployments").array().isEmpty());
        assertThat(app("/net/same15").getJsonObject("versionInfo").getString("lastConfigChangeAt")).isEqualTo(config15);
        assertThat(app("/net/same15").getJsonObject("container"))
                .isEqualTo(app("/net/same").getJsonObject("container"));
    }

    @Test
    void hostNetworkingKeepsPortDefinitionsAndDropsPortMappings() {
        created(new JsonObject().put("id", "/net/host").put("instances", 0).put("container", new JsonObject()
                .put("type", "DOCKER").put("docker", new JsonObject().put("image", "quayside/web:1")
                        .put("network", "HOST")))
                .put("portDefinitions", new JsonArray().add(new JsonObject().put("port", 0).put("name", "http"))));
        JsonObject host = app("/net/host");
        assertThat(host.getJsonArray("networks")).containsExactly(new JsonObject().put("mode", "host"));
        assertThat(host.getJsonArray("portDefinitions")).containsExactly(new JsonObject().put("port", 0)
                .put("name", "http"));
        assertThat(host.getJsonObject("container").fieldNames()).doesNotContain("portMappings");

        // 1.4 without a network was host networking: Marathon 1.5 drops the mappings and gives the default port
        created(new JsonObject().put("id", "/net/default").put("instances", 0).put("container", new JsonObject()
                .put("type", "DOCKER").put("docker", new JsonObject().put("image", "quayside/web:1")
                        .put("portMappings", new JsonArray().add(new JsonObject().put("containerPort", 80))))));
        JsonObject unnamed = app("/net/default");
        assertThat(unnamed.getJsonArray("networks")).containsExactly(new JsonObject().put("mode", "host"));
        assertThat(unnamed.getJsonObject("container").fieldNames()).doesNotContain("portMappings");
        assertThat(unnamed.getJsonObject("container").getJsonObject("docker").fieldNames())
                .doesNotContain("portMappings");
        assertThat(unnamed.getJsonArray("portDefinitions")).containsExactly(new JsonObject().put("port", 0)
                .put("protocol", "tcp").put("name", "default"));
    }

    @Test
    void contradictionsAreRefusedAndNothingIsCreated() {
        JsonObject both = bridge14("/net/both");
        both.getJsonObject("container").put("portMappings", new JsonArray().add(new JsonObject()
                .put("containerPort", 9090)));
        assertRefused(both, "/container", "cannot specify both portMappings and docker.portMappings");
        assertRefused(bridge14("/net/mixed").put("networks", new JsonArray().add(new JsonObject()
                .put("mode", "container/bridge"))), "/networks", "cannot mix deprecated and canonical network APIs");
        JsonObject user = bridge14("/net/user");
        user.getJsonObject("container").getJsonObject("docker").put("network", "USER");
        assertRefused(user, "/networks(0)", "container network name is not defined");
        JsonObject none = bridge14("/net/none");
        none.getJsonObject("container").getJsonObject("docker").put("network", "NONE");
        assertRefused(none, "/container/docker/network", "unsupported docker network type NONE");
        Http.Response notAList = Http.send("POST", url + "/v2/apps", bridge15("/net/string").put("networks", "bridge")
                .encode());
        assertThat(notAList.status()).isEqualTo(400);
        assertThat(notAList.json().getJsonArray("details").getJsonObject(0).getString("path")).isEqualTo("/networks");
        assertThat(Http.get(url + "/v2/apps").json().getJsonArray("apps")).isEmpty();
    }

    static void assertRefused(JsonObject app, String path, String error) {
        Http.Response r = Http.send("POST", url + "/v2/apps", app.encode());
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.json().getString("message")).isEqualTo("Object is not valid");
        assertThat(r.json().getJsonArray("details")).contains(new JsonObject().put("path", path)
                .put("errors", new JsonArray().add(error)));
    }

    @Test
    void marathonsOwnExampleIsAnsweredIn15FormAndTheAnswerMatchesMarathonsSchema() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(fixtures), "../shared/fixtures not found: " + fixtures.toAbsolutePath());
        JsonObject example = new JsonObject(Files.readString(fixtures.resolve("app.json")));
        // what Marathon refuses in it on its own (see MarathonFixturesTest), and nothing to run
        example.remove("args");
        example.remove("secrets");
        example.getJsonObject("env").remove("PASSWORD");
        example.put("instances", 0);
        created(example);
        JsonObject app = app("/foo");
        assertThat(app.getJsonArray("networks")).containsExactly(new JsonObject().put("mode", "container/bridge")
                .put("labels", example.getJsonObject("ipAddress").getJsonObject("labels")));
        JsonArray mappings = example.getJsonObject("container").getJsonObject("docker").getJsonArray("portMappings");
        assertThat(app.getJsonObject("container").getJsonArray("portMappings")).isEqualTo(mappings);
        assertThat(app.fieldNames()).doesNotContain("ipAddress", "portDefinitions");

        Path schemaFile = fixtures.resolve("schema/AppDefinition.json");
        ObjectMapper mapper = new ObjectMapper();
        // written for draft 4; its "$schema" names no draft the validator knows
        ObjectNode schemaNode = (ObjectNode) mapper.readTree(schemaFile.toFile());
        schemaNode.remove("$schema");
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schemaNode);
        created(bridge14("/net/schema"));
        String version = app("/net/schema").getString("version");
        String definition = Http.get(url + "/v2/apps/net/schema/versions/" + version).body();
        assertThat(schema.validate(mapper.readTree(definition))).as(definition).isEmpty();
        ObjectNode foreign = (ObjectNode) mapper.readTree(definition);
        foreign.put("notAMarathonField", 1);
        assertThat(schema.validate(foreign)).as("the schema is strict").isNotEmpty();
    }
}
