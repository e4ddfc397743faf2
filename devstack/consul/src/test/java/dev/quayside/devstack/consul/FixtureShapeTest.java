package dev.quayside.devstack.consul;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Our answers carry the JSON fields of Consul's documented samples in ../shared/fixtures/consul. */
class FixtureShapeTest {

    static ConsulTarget consul;
    static Path fixtures;

    @BeforeAll
    static void start() {
        String shared = System.getProperty("quayside.shared.dir");
        fixtures = shared == null ? null : Path.of(shared, "fixtures", "consul");
        Assumptions.assumeTrue(fixtures != null && Files.isDirectory(fixtures),
                "../shared/fixtures not found: " + fixtures + " (system property quayside.shared.dir)");
        consul = ConsulTarget.start();
    }

    @AfterAll
    static void stop() {
        if (consul != null) {
            consul.close();
        }
    }

    static String fixture(String name) throws Exception {
        return Files.readString(fixtures.resolve(name));
    }

    /** Fields of the documented sample that belong to Consul Enterprise or Connect and are absent from OSS answers. */
    static final Set<String> ENTERPRISE_OR_CONNECT = Set.of("Namespace", "Partition", "Session");

    static void assertHasFields(JsonObject actual, JsonObject documented) {
        for (String field : documented.fieldNames()) {
            if (!ENTERPRISE_OR_CONNECT.contains(field)) {
                assertThat(actual.fieldNames()).as("field %s of the documented sample", field).contains(field);
            }
        }
    }

    @Test
    @DisplayName("KV › Read Key: the fields of kv-get-response.json")
    void kvShape() throws Exception {
        String key = ConsulTarget.uniquePrefix("shape") + "zip";
        consul.send("PUT", "/v1/kv/" + key, "test");
        JsonObject ours = new JsonArray(consul.send("GET", "/v1/kv/" + key, null).body()).getJsonObject(0);
        assertHasFields(ours, new JsonArray(fixture("kv-get-response.json")).getJsonObject(0));
        assertThat(ours.getString("Value")).isEqualTo("dGVzdA==");
        assertThat(consul.send("PUT", "/v1/kv/" + key, "x").body()).isEqualTo(fixture("kv-put-response.json").trim());
    }

    @Test
    @DisplayName("Agent › Register Service with agent-service-register-request.json, then the documented reads")
    void serviceShapes() throws Exception {
        JsonObject request = new JsonObject(fixture("agent-service-register-request.json"));
        // the sample's script check cannot run here; give it a TTL instead so the registration is valid
        request.put("Check", new JsonObject().put("TTL", "10m").put("Status", "passing")
                .put("DeregisterCriticalServiceAfter", "90m"));
        assertThat(consul.send("PUT", "/v1/agent/service/register", request.encode()).statusCode()).isEqualTo(200);
        try {
            JsonObject services = new JsonObject(consul.send("GET", "/v1/agent/services", null).body());
            JsonObject documented = new JsonObject(fixture("agent-services-response.json")).getJsonObject("redis");
            assertHasFields(services.getJsonObject("redis1"), documented);
            assertThat(services.getJsonObject("redis1").getJsonObject("Weights").getInteger("Passing")).isEqualTo(10);

            JsonArray nodes = new JsonArray(consul.send("GET", "/v1/catalog/service/redis", null).body());
            JsonObject documentedNode = new JsonArray(fixture("catalog-service-nodes-response.json")).getJsonObject(0);
            assertHasFields(nodes.getJsonObject(0), documentedNode);

            JsonArray health = new JsonArray(consul.send("GET", "/v1/health/service/redis?passing", null).body());
            JsonObject documentedEntry = new JsonArray(fixture("health-service-response.json")).getJsonObject(0);
            assertHasFields(health.getJsonObject(0), documentedEntry);
            assertHasFields(health.getJsonObject(0).getJsonObject("Node"), documentedEntry.getJsonObject("Node"));
            assertHasFields(health.getJsonObject(0).getJsonObject("Service"),
                    documentedEntry.getJsonObject("Service"));
            assertHasFields(health.getJsonObject(0).getJsonArray("Checks").getJsonObject(0),
                    documentedEntry.getJsonArray("Checks").getJsonObject(0));
            assertThat(health.getJsonObject(0).getJsonArray("Checks").stream()
                    .map(c -> ((JsonObject) c).getString("CheckID"))).contains("serfHealth", "service:redis1");

            JsonObject catalog = new JsonObject(consul.send("GET", "/v1/catalog/services", null).body());
            assertThat(catalog.getJsonArray("redis").getList()).containsExactly("primary", "v1");
            assertThat(catalog.getJsonArray("consul").getList()).isEmpty();

            JsonArray checks = new JsonArray(consul.send("GET", "/v1/health/checks/redis", null).body());
            assertHasFields(checks.getJsonObject(0),
                    new JsonArray(fixture("health-checks-service-response.json")).getJsonObject(0));
        } finally {
            consul.send("PUT", "/v1/agent/service/deregister/redis1", null);
        }
    }
}
