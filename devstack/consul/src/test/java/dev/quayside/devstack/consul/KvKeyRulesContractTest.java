package dev.quayside.devstack.consul;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * KV key names as current Consul (1.21.6+, 1.22) takes them: refused only for path traversal (also URL-encoded) and
 * leading or trailing spaces (and a leading '/'), with Consul's 500 and its error text; everything else is a key.
 */
class KvKeyRulesContractTest {

    /** Consul's own texts ({@code validateKVKey} in {@code agent/kvs_endpoint.go}). */
    static final String TRAVERSAL = "invalid key name, path traversal is not allowed";
    static final String SPACES = "invalid key name, leading/trailing spaces are not allowed";
    static final String LEADING_SLASH = "invalid key name, must not begin with '/'";

    static ConsulTarget consul;

    @BeforeAll
    static void start() {
        consul = ConsulTarget.start();
    }

    @AfterAll
    static void stop() {
        consul.close();
    }

    static void refused(String method, String path, String error) {
        HttpResponse<String> response = consul.send(method, path, method.equals("PUT") ? "x" : null);
        assertThat(response.statusCode()).as(method + " " + path).isEqualTo(500);
        assertThat(response.body()).as(method + " " + path).isEqualTo(error);
    }

    @Test
    @DisplayName("KV › key validation: '..' segments, URL-encoded too, are path traversal (500) on every method")
    void pathTraversalIsRefused() {
        String prefix = ConsulTarget.uniquePrefix("traversal");
        refused("PUT", "/v1/kv/..%2Fetc%2Fpasswd", TRAVERSAL);
        refused("PUT", "/v1/kv/%2E%2E/config", TRAVERSAL);
        refused("PUT", "/v1/kv/%2e%2e%2f%2e%2e%2fsecret", TRAVERSAL);
        refused("PUT", "/v1/kv/" + prefix + "a%2F..%2F..%2F..%2F..%2Fb", TRAVERSAL);
        refused("GET", "/v1/kv/..%2Fetc", TRAVERSAL);
        refused("GET", "/v1/kv/..%2Fetc?recurse", TRAVERSAL);
        refused("DELETE", "/v1/kv/..%2Fetc?recurse", TRAVERSAL);
        // a key that still holds an escape is checked once more, decoded: %252E%252E is ".." then
        refused("PUT", "/v1/kv/" + prefix + "%252E%252E%252Fx", TRAVERSAL);
        assertThat(consul.send("GET", "/v1/kv/etc?recurse", null).statusCode()).as("nothing written").isEqualTo(404);
        assertThat(consul.send("GET", "/v1/kv/config", null).statusCode()).isEqualTo(404);
    }

    @Test
    @DisplayName("KV › key validation: leading or trailing spaces and a leading '/' are refused (500)")
    void spacesAtTheEndsAndALeadingSlashAreRefused() {
        String prefix = ConsulTarget.uniquePrefix("spaces");
        refused("PUT", "/v1/kv/" + prefix + "key%20", SPACES);
        refused("PUT", "/v1/kv/%20" + prefix + "key", SPACES);
        refused("PUT", "/v1/kv/%2F" + prefix + "key", LEADING_SLASH);
        assertThat(consul.send("GET", "/v1/kv/" + prefix + "?recurse", null).statusCode()).isEqualTo(404);
    }

    @Test
    @DisplayName("KV › key validation: any other key is valid (extensions, inner spaces, ':', '*', '%', '..' inside)")
    void everyOtherKeyIsAKey() {
        String prefix = ConsulTarget.uniquePrefix("valid");
        String[] keys = {"app.json", "app.yaml", "index.html", "foo bar", "foo:bar", "foo*bar", "foo+bar", "con..fig",
            "foo%bar", "fooçbar", "baz%2Fqux"};
        String[] encoded = {"app.json", "app.yaml", "index.html", "foo%20bar", "foo:bar", "foo*bar", "foo+bar",
            "con..fig", "foo%25bar", "foo%C3%A7bar", "baz%252Fqux"};
        for (int i = 0; i < keys.length; i++) {
            HttpResponse<String> put = consul.send("PUT", "/v1/kv/" + prefix + encoded[i], "v" + i);
            assertThat(put.statusCode()).as(keys[i] + ": " + put.body()).isEqualTo(200);
            assertThat(put.body()).isEqualTo("true");
        }
        JsonArray listed = new JsonArray(consul.send("GET", "/v1/kv/" + prefix + "?keys", null).body());
        assertThat(listed).hasSize(keys.length);
        for (String key : keys) {
            assertThat(listed).contains(prefix + key);
        }
    }

    @Test
    @DisplayName("KV › key names: empty segments sent URL-encoded are cleaned like Go's path.Clean (a%2F%2Fb is a/b)")
    void encodedEmptySegmentsAreCleaned() {
        String prefix = ConsulTarget.uniquePrefix("clean");
        HttpResponse<String> put = consul.send("PUT", "/v1/kv/" + prefix + "a%2F%2Fb%2F.%2Fc?flags=1", "x");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(new JsonArray(consul.send("GET", "/v1/kv/" + prefix + "?keys", null).body()))
                .containsExactly(prefix + "a/b/c");
    }
}
