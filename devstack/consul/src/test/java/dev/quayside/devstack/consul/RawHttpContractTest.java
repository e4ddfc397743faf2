package dev.quayside.devstack.consul;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Status codes, headers and error texts that the Vert.x client hides, checked over raw HTTP. */
class RawHttpContractTest {

    static ConsulTarget consul;

    @BeforeAll
    static void start() {
        consul = ConsulTarget.start();
    }

    @AfterAll
    static void stop() {
        consul.close();
    }

    @Test
    @DisplayName("KV › Read Key: 404 with X-Consul-Index and an empty body for a missing key")
    void missingKeyIs404WithIndex() {
        HttpResponse<String> response = consul.send("GET", "/v1/kv/" + ConsulTarget.uniquePrefix("nope") + "k", null);
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEmpty();
        assertThat(Long.parseLong(response.headers().firstValue("X-Consul-Index").orElseThrow())).isPositive();
        assertThat(response.headers().firstValue("X-Consul-KnownLeader")).hasValue("true");
    }

    @Test
    @DisplayName("KV › Read Key: body shape (base64 Value, indexes) and ?raw with Consul's content headers")
    void readShapes() {
        String key = ConsulTarget.uniquePrefix("shape") + "k";
        HttpResponse<String> put = consul.send("PUT", "/v1/kv/" + key + "?flags=7", "hello");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(put.body()).isEqualTo("true");
        assertThat(put.headers().firstValue("Content-Type")).hasValue("application/json");

        HttpResponse<String> get = consul.send("GET", "/v1/kv/" + key, null);
        assertThat(get.statusCode()).isEqualTo(200);
        var entry = new JsonArray(get.body()).getJsonObject(0);
        assertThat(entry.fieldNames()).contains("LockIndex", "Key", "Flags", "Value", "CreateIndex", "ModifyIndex");
        assertThat(entry.getString("Value")).isEqualTo(Base64.getEncoder().encodeToString("hello".getBytes()));
        assertThat(entry.getLong("Flags")).isEqualTo(7);
        assertThat(Long.parseLong(get.headers().firstValue("X-Consul-Index").orElseThrow()))
                .as("a single-key read reports the key's ModifyIndex (Consul's KVS.Get)")
                .isEqualTo(entry.getLong("ModifyIndex"));

        HttpResponse<String> raw = consul.send("GET", "/v1/kv/" + key + "?raw", null);
        assertThat(raw.body()).isEqualTo("hello");
        assertThat(raw.headers().firstValue("Content-Type")).hasValue("text/plain");
        assertThat(raw.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

        consul.send("PUT", "/v1/kv/" + key, "");
        assertThat(new JsonArray(consul.send("GET", "/v1/kv/" + key, null).body()).getJsonObject(0)
                .getValue("Value")).as("an empty value is null, as Go encodes a nil []byte").isNull();
    }

    @Test
    @DisplayName("KV › Create/Update Key: values over 512 KB are rejected with 413 and Consul's text")
    void valueTooLarge() {
        byte[] big = new byte[512 * 1024 + 1];
        HttpResponse<byte[]> response = consul.sendBytes("PUT", "/v1/kv/" + ConsulTarget.uniquePrefix("big") + "k",
                big);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(new String(response.body())).startsWith("Request body(524289 bytes) too large, max size: 524288 "
                + "bytes.");
        HttpResponse<byte[]> fits = consul.sendBytes("PUT", "/v1/kv/" + ConsulTarget.uniquePrefix("fits") + "k",
                new byte[512 * 1024]);
        assertThat(fits.statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("Blocking Queries › bad ?index or ?wait: 400 \"Invalid index\" / \"Invalid wait time\"")
    void badIndexAndWait() {
        HttpResponse<String> index = consul.send("GET", "/v1/kv/x?index=abc", null);
        assertThat(index.statusCode()).isEqualTo(400);
        assertThat(index.body()).isEqualTo("Invalid index");
        HttpResponse<String> negative = consul.send("GET", "/v1/catalog/services?index=-1", null);
        assertThat(negative.statusCode()).isEqualTo(400);
        assertThat(negative.body()).isEqualTo("Invalid index");
        HttpResponse<String> wait = consul.send("GET", "/v1/kv/x?index=1&wait=5parsecs", null);
        assertThat(wait.statusCode()).isEqualTo(400);
        assertThat(wait.body()).isEqualTo("Invalid wait time");
        HttpResponse<String> noUnit = consul.send("GET", "/v1/health/service/x?index=1&wait=10", null);
        assertThat(noUnit.statusCode()).isEqualTo(400);
        assertThat(noUnit.body()).isEqualTo("Invalid wait time");
    }

    @Test
    @DisplayName("Blocking Queries: X-Consul-Index never goes backwards across writes and deletes")
    void indexIsMonotonic() {
        String root = ConsulTarget.uniquePrefix("mono");
        long last = 0;
        for (int i = 0; i < 5; i++) {
            consul.send("PUT", "/v1/kv/" + root + i, "v");
            consul.send("DELETE", "/v1/kv/" + root + (i - 1), null);
            long index = Long.parseLong(consul.send("GET", "/v1/kv/" + root + "?recurse", null).headers()
                    .firstValue("X-Consul-Index").orElseThrow());
            assertThat(index).isGreaterThan(last);
            last = index;
        }
    }

    @Test
    @DisplayName("Blocking Queries: a request from the future (index past the current one) waits for ?wait")
    void futureIndexBlocks() throws Exception {
        long started = System.nanoTime();
        CompletableFuture<HttpResponse<String>> future = CompletableFuture.supplyAsync(
                () -> consul.send("GET", "/v1/catalog/services?index=999999999&wait=300ms", null));
        HttpResponse<String> response = future.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(290);
    }

    @Test
    @DisplayName("KV › paths with '..' or empty segments: Go's ServeMux redirects (301) to the cleaned path")
    void uncleanPathsRedirect() {
        HttpResponse<String> dots = consul.send("GET", "/v1/kv/a/../b", null);
        assertThat(dots.statusCode()).isEqualTo(301);
        assertThat(dots.headers().firstValue("Location")).hasValue("/v1/kv/b");
        HttpResponse<String> doubled = consul.send("PUT", "/v1/kv/a//b?flags=1", "x");
        assertThat(doubled.statusCode()).isEqualTo(301);
        assertThat(doubled.headers().firstValue("Location")).hasValue("/v1/kv/a/b?flags=1");
        HttpResponse<String> leadingSlash = consul.send("GET", "/v1/kv//a", null);
        assertThat(leadingSlash.statusCode()).isEqualTo(301);
        assertThat(consul.send("GET", "/v1/kv/a", null).statusCode()).as("nothing was written").isEqualTo(404);
    }

    @Test
    @DisplayName("KV › bad input: missing key name, conflicting flags, bad ?cas/?flags, unknown method")
    void kvBadInput() {
        HttpResponse<String> missing = consul.send("PUT", "/v1/kv/", "x");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).isEqualTo("Missing key name");
        assertThat(consul.send("GET", "/v1/kv/", null).body()).isEqualTo("Missing key name");
        assertThat(consul.send("DELETE", "/v1/kv/", null).statusCode()).isEqualTo(400);

        HttpResponse<String> conflicting = consul.send("DELETE", "/v1/kv/a?recurse&cas=1", null);
        assertThat(conflicting.statusCode()).isEqualTo(400);
        assertThat(conflicting.body()).startsWith("Conflicting flags: ");

        HttpResponse<String> badCas = consul.send("PUT", "/v1/kv/a?cas=x", "v");
        assertThat(badCas.statusCode()).isEqualTo(consul.isStandIn() ? 400 : 500);
        assertThat(badCas.body()).contains("strconv.ParseUint: parsing \"x\": invalid syntax");

        HttpResponse<String> post = consul.send("POST", "/v1/kv/a", "v");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.body()).isEqualTo("method POST not allowed");
    }

    @Test
    @DisplayName("KV › Read Key ?keys: the root lists [] with 200, a missing prefix is 404")
    void keysAtRoot() {
        HttpResponse<String> missing = consul.send("GET", "/v1/kv/" + ConsulTarget.uniquePrefix("none") + "?keys",
                null);
        assertThat(missing.statusCode()).isEqualTo(404);
        if (consul.isStandIn()) {
            ConsulStandIn fresh = ConsulStandIn.start();
            try {
                var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(fresh.url() + "/v1/kv/?keys")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("[]");
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                fresh.close();
            }
        }
    }

    @Test
    @DisplayName("Blocking Queries: on a fresh agent the very first KV write wakes a read of the empty store")
    void firstWriteWakesEmptyStore() throws Exception {
        consul.assumeStandIn("needs a store without any key");
        ConsulStandIn fresh = ConsulStandIn.start();
        try {
            java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                    .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> empty = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(fresh.url() + "/v1/kv/app/?recurse")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(empty.statusCode()).isEqualTo(404);
            String index = empty.headers().firstValue("X-Consul-Index").orElseThrow();
            CompletableFuture<HttpResponse<String>> blocked = http.sendAsync(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(fresh.url() + "/v1/kv/app/?recurse&index=" + index + "&wait=30s")).build(),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(100);
            http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(fresh.url() + "/v1/kv/app/x"))
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> woken = blocked.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(woken.statusCode()).isEqualTo(200);
            assertThat(Long.parseLong(woken.headers().firstValue("X-Consul-Index").orElseThrow()))
                    .isGreaterThan(Long.parseLong(index));
        } finally {
            fresh.close();
        }
    }

    @Test
    @DisplayName("Transaction › an empty key is refused per operation (409 \"Must provide key\")")
    void txnEmptyKey() {
        HttpResponse<String> response = consul.send("PUT", "/v1/txn",
                "[{\"KV\":{\"Verb\":\"set\",\"Key\":\"\"}}]");
        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.body()).contains("Must provide key");
    }

    @Test
    @DisplayName("KV › Create/Update Key: the body is stored as sent whatever its Content-Type (curl -d)")
    void formBodyStoredRaw() throws Exception {
        String key = ConsulTarget.uniquePrefix("form") + "k";
        HttpResponse<String> put = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build().send(java.net.http.HttpRequest
                        .newBuilder(java.net.URI.create(consul.url() + "/v1/kv/" + key))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .headers(consul.token == null ? new String[] {"X-Ignored", "1"}
                                : new String[] {"X-Consul-Token", consul.token})
                        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("a=b&c")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(consul.send("GET", "/v1/kv/" + key + "?raw", null).body()).isEqualTo("a=b&c");
    }

    @Test
    @DisplayName("HTTP API: unknown paths are 404 \"404 page not found\"")
    void unknownPath() {
        HttpResponse<String> response = consul.send("GET", "/v1/nothing-here", null);
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).startsWith("404 page not found");
    }
}
