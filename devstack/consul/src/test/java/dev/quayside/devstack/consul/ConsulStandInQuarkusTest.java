package dev.quayside.devstack.consul;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** ConsulStandInResource inside a real @QuarkusTest (the application has its own Vert.x, as the services do). */
@QuarkusTest
@QuarkusTestResource(ConsulStandInResource.class)
class ConsulStandInQuarkusTest {

    @ConfigProperty(name = "quayside.consul.url")
    String url;

    @InjectConsulStandIn
    ConsulStandIn consul;

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create(url + path)).method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyEndpointWorksInsideQuarkus() throws Exception {
        assertThat(consul).as("injected through @InjectConsulStandIn").isNotNull();
        assertThat(consul.url()).isEqualTo(url);
        assertThat(send("PUT", "/v1/kv/q/a", "1").body()).isEqualTo("true");
        assertThat(send("PUT", "/v1/txn", "[{\"KV\":{\"Verb\":\"set\",\"Key\":\"q/b\",\"Value\":\"Mg==\"}}]")
                .statusCode()).isEqualTo(200);
        assertThat(new JsonArray(send("GET", "/v1/kv/q/?recurse", null).body())).hasSize(2);
        assertThat(send("PUT", "/v1/agent/service/register",
                new JsonObject().put("Name", "q").put("Check", new JsonObject().put("TTL", "1m")).encode())
                .statusCode()).isEqualTo(200);
        assertThat(send("PUT", "/v1/agent/check/pass/service:q", null).statusCode()).isEqualTo(200);
        assertThat(new JsonArray(send("GET", "/v1/health/service/q?passing", null).body())).hasSize(1);
        long index = Long.parseLong(send("GET", "/v1/kv/q/?recurse", null).headers().firstValue("X-Consul-Index")
                .orElseThrow());
        assertThat(send("GET", "/v1/kv/q/?recurse&index=" + index + "&wait=50ms", null).statusCode()).isEqualTo(200);
    }
}
