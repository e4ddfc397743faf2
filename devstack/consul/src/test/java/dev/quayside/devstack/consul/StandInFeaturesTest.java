package dev.quayside.devstack.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What only the stand-in has: fault injection, persistence, the JUnit extension, deregistration of critical services. */
@ExtendWith(ConsulStandInExtension.class)
class StandInFeaturesTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static HttpResponse<String> send(String url, String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("JUnit extension: injects a running stand-in on 127.0.0.1")
    void extensionInjects(ConsulStandIn consul) throws Exception {
        assertThat(consul.url()).isEqualTo("http://127.0.0.1:" + consul.port());
        assertThat(send(consul.url(), "GET", "/v1/status/leader", null).body()).isEqualTo("\"127.0.0.1:8300\"");
    }

    @Test
    @DisplayName("failRequests: the (skip+1)-th to (skip+count)-th matching requests get the status")
    void faultInjection(ConsulStandIn consul) throws Exception {
        consul.failRequests("PUT", "/v1/kv/faulty/", 1, 2, 503);
        try {
            assertThat(send(consul.url(), "PUT", "/v1/kv/faulty/a", "1").statusCode()).isEqualTo(200);
            assertThat(send(consul.url(), "GET", "/v1/kv/faulty/a", null).statusCode())
                    .as("other methods are not counted").isEqualTo(200);
            assertThat(send(consul.url(), "PUT", "/v1/kv/faulty/b", "2").statusCode()).isEqualTo(503);
            assertThat(send(consul.url(), "PUT", "/v1/kv/faulty/c", "3").statusCode()).isEqualTo(503);
            assertThat(send(consul.url(), "PUT", "/v1/kv/faulty/d", "4").statusCode()).isEqualTo(200);
            assertThat(send(consul.url(), "GET", "/v1/kv/faulty/b", null).statusCode())
                    .as("a failed request changed nothing").isEqualTo(404);
        } finally {
            consul.clearFailures();
        }
    }

    @Test
    @DisplayName("Persistence: with a data directory, KV, indexes and services survive a restart")
    void survivesRestart(@TempDir Path dir) throws Exception {
        long indexBefore;
        try (ConsulStandIn first = ConsulStandIn.start(ConsulStandIn.Options.defaults().dataDir(dir))) {
            send(first.url(), "PUT", "/v1/kv/app/config?flags=3", "x: 1");
            send(first.url(), "PUT", "/v1/kv/app/gone", "bye");
            send(first.url(), "DELETE", "/v1/kv/app/gone", null);
            send(first.url(), "PUT", "/v1/agent/service/register",
                    new JsonObject().put("Name", "db").put("ID", "db-1").put("Port", 5432)
                            .put("Check", new JsonObject().put("TTL", "1h").put("Status", "passing")).encode());
            indexBefore = Long.parseLong(send(first.url(), "GET", "/v1/kv/app/?recurse", null).headers()
                    .firstValue("X-Consul-Index").orElseThrow());
        }
        try (ConsulStandIn second = ConsulStandIn.start(ConsulStandIn.Options.defaults().dataDir(dir))) {
            HttpResponse<String> kv = send(second.url(), "GET", "/v1/kv/app/?recurse", null);
            JsonArray entries = new JsonArray(kv.body());
            assertThat(entries).hasSize(1);
            assertThat(entries.getJsonObject(0).getLong("Flags")).isEqualTo(3);
            assertThat(Long.parseLong(kv.headers().firstValue("X-Consul-Index").orElseThrow()))
                    .as("the index does not go backwards over a restart").isEqualTo(indexBefore);
            JsonArray health = new JsonArray(send(second.url(), "GET", "/v1/health/service/db?passing", null).body());
            assertThat(health).hasSize(1);
            send(second.url(), "PUT", "/v1/kv/app/next", "n");
            assertThat(new JsonArray(send(second.url(), "GET", "/v1/kv/app/next", null).body()).getJsonObject(0)
                    .getLong("ModifyIndex")).isGreaterThan(indexBefore);
        }
    }

    @Test
    @DisplayName("Agent › DeregisterCriticalServiceAfter: a service critical for that long is removed")
    void deregistersCriticalService(ConsulStandIn consul) throws Exception {
        send(consul.url(), "PUT", "/v1/agent/service/register", new JsonObject().put("Name", "flaky").put("Port", 1)
                .put("Check", new JsonObject().put("TTL", "200ms").put("Status", "passing")
                        .put("DeregisterCriticalServiceAfter", "500ms")).encode());
        assertThat(new JsonObject(send(consul.url(), "GET", "/v1/agent/services", null).body()).containsKey("flaky"))
                .isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> !new JsonObject(
                send(consul.url(), "GET", "/v1/agent/services", null).body()).containsKey("flaky"));
    }

    @Test
    @DisplayName("Agent › TTL expiry: a TTL check that is not renewed turns critical with Consul's output")
    void ttlExpires(ConsulStandIn consul) throws Exception {
        send(consul.url(), "PUT", "/v1/agent/service/register", new JsonObject().put("Name", "beat").put("Port", 1)
                .put("Check", new JsonObject().put("TTL", "300ms")).encode());
        send(consul.url(), "PUT", "/v1/agent/check/pass/service:beat?note=alive", null);
        assertThat(new JsonArray(send(consul.url(), "GET", "/v1/health/service/beat?passing", null).body())).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> new JsonArray(
                send(consul.url(), "GET", "/v1/health/service/beat?passing", null).body()).isEmpty());
        JsonObject check = new JsonObject(send(consul.url(), "GET", "/v1/agent/checks", null).body())
                .getJsonObject("service:beat");
        assertThat(check.getString("Output")).isEqualTo("TTL expired (last output before timeout follows): alive");
    }
}
