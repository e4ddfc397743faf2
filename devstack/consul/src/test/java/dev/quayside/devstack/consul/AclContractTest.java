package dev.quayside.devstack.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.ext.consul.ConsulClientOptions;
import io.vertx.mutiny.ext.consul.ConsulClient;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** ACL (default deny, management token): what a client without a valid token gets. */
class AclContractTest {

    static final String WITHOUT_POLICIES = "t0ken-without-policies";

    static ConsulTarget consul;

    @BeforeAll
    static void start() {
        consul = ConsulTarget.start(ConsulStandIn.Options.defaults().aclToken("s3cr3t-management")
                .aclTokenWithoutPolicies(WITHOUT_POLICIES));
        Assumptions.assumeTrue(consul.token != null,
                "CONSUL_HTTP_ADDR points at a Consul without CONSUL_HTTP_TOKEN: ACLs cannot be checked there");
    }

    @AfterAll
    static void stop() {
        if (consul != null) {
            consul.close();
        }
    }

    @Test
    @DisplayName("ACL: the Vert.x client with the management token reads and writes")
    void withToken() {
        ConsulClient client = consul.client();
        try {
            String key = ConsulTarget.uniquePrefix("acl") + "k";
            assertThat(client.putValue(key, "v").await().atMost(ConsulTarget.TIMEOUT)).isTrue();
            assertThat(client.getValue(key).await().atMost(ConsulTarget.TIMEOUT).getValue()).isEqualTo("v");
        } finally {
            client.close();
        }
    }

    @Test
    @DisplayName("ACL: the Vert.x client without a token is refused (403 Permission denied)")
    void withoutToken() {
        ConsulClient anonymous = ConsulClient.create(consul.vertx, new ConsulClientOptions().setHost(consul.host)
                .setPort(consul.port));
        try {
            assertThatThrownBy(() -> anonymous.putValue("quayside-test/acl/x", "v").await()
                    .atMost(ConsulTarget.TIMEOUT)).hasMessageContaining("Permission denied");
            assertThatThrownBy(() -> anonymous.getValue("quayside-test/acl/x").await()
                    .atMost(ConsulTarget.TIMEOUT)).hasMessageContaining("Permission denied");
        } finally {
            anonymous.close();
        }
    }

    @Test
    @DisplayName("ACL: raw HTTP — 403 for no token, 403 \"ACL not found\" for an unknown one, Bearer accepted")
    void rawStatuses() {
        consul.assumeStandIn("the texts are checked against the stand-in's one management token");
        HttpResponse<String> none = consul.send("GET", "/v1/agent/self", null, null);
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(none.body()).startsWith("Permission denied");
        HttpResponse<String> wrong = consul.send("PUT", "/v1/txn", "[]", "not-the-token");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.body()).isEqualTo("ACL not found");
        try {
            HttpResponse<String> bearer = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(consul.url() + "/v1/catalog/services"))
                            .header("Authorization", "Bearer s3cr3t-management").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(bearer.statusCode()).isEqualTo(200);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(consul.send("GET", "/v1/status/leader", null, null).statusCode())
                .as("Consul does not guard /v1/status").isEqualTo(200);
    }

    @Test
    @DisplayName("ACL: list reads without a token are filtered (200, nothing visible), not refused; no header")
    void anonymousListReadsAreFiltered() {
        String prefix = ConsulTarget.uniquePrefix("acl-list");
        assertThat(consul.send("PUT", "/v1/kv/" + prefix + "k", "v").statusCode()).isEqualTo(200);
        assertThat(consul.send("PUT", "/v1/agent/service/register", "{\"ID\":\"acl-web-1\",\"Name\":\"acl-web\","
                + "\"Port\":8080}").statusCode()).isEqualTo(200);
        assertFiltered(consul.send("GET", "/v1/agent/services", null, null), "{}", false);
        assertFiltered(consul.send("GET", "/v1/catalog/services", null, null), "{}", false);
        assertFiltered(consul.send("GET", "/v1/catalog/service/acl-web", null, null), "[]", false);
        assertFiltered(consul.send("GET", "/v1/health/service/acl-web?passing", null, null), "[]", false);
        assertFiltered(consul.send("GET", "/v1/kv/?keys", null, null), "[]", false);
        HttpResponse<String> recurse = consul.send("GET", "/v1/kv/" + prefix + "?recurse", null, null);
        assertThat(recurse.statusCode()).as("a KV listing with nothing left is 404").isEqualTo(404);
        assertThat(recurse.headers().firstValue("X-Consul-Index")).isPresent();
        HttpResponse<String> single = consul.send("GET", "/v1/kv/" + prefix + "k", null, null);
        assertThat(single.statusCode()).as("a single key is not a list: refused").isEqualTo(403);
        assertThat(single.body()).isEqualTo("Permission denied: token with AccessorID '"
                + Acl.ANONYMOUS_ACCESSOR + "' lacks permission 'key:read' on \"" + prefix + "k\"");
        assertThat(consul.send("PUT", "/v1/agent/service/deregister/acl-web-1", null).statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("ACL: a token without policies gets filtered lists with X-Consul-Results-Filtered-By-ACLs: true")
    void aTokenWithoutPoliciesSeesTheFilteredHeader() {
        consul.assumeStandIn("needs a token without policies, which the stand-in is given as an option");
        String prefix = ConsulTarget.uniquePrefix("acl-header");
        assertThat(consul.send("PUT", "/v1/kv/" + prefix + "k", "v").statusCode()).isEqualTo(200);
        assertFiltered(consul.send("GET", "/v1/catalog/services", null, WITHOUT_POLICIES), "{}", true);
        assertFiltered(consul.send("GET", "/v1/kv/?keys", null, WITHOUT_POLICIES), "[]", true);
        HttpResponse<String> empty = consul.send("GET", "/v1/health/service/no-such-service", null, WITHOUT_POLICIES);
        assertFiltered(empty, "[]", false);
        HttpResponse<String> single = consul.send("GET", "/v1/kv/" + prefix + "k", null, WITHOUT_POLICIES);
        assertThat(single.statusCode()).isEqualTo(403);
        assertThat(single.body()).startsWith("Permission denied: token with AccessorID '")
                .doesNotContain(Acl.ANONYMOUS_ACCESSOR).endsWith("lacks permission 'key:read' on \"" + prefix + "k\"");
        assertThat(consul.send("PUT", "/v1/kv/" + prefix + "k", "w", WITHOUT_POLICIES).statusCode()).isEqualTo(403);
    }

    static void assertFiltered(HttpResponse<String> response, String body, boolean header) {
        assertThat(response.statusCode()).as(response.uri() + ": " + response.body()).isEqualTo(200);
        assertThat(response.body()).as(response.uri().toString()).isEqualTo(body);
        assertThat(response.headers().firstValue("X-Consul-Results-Filtered-By-ACLs")).as(response.uri().toString())
                .isEqualTo(header ? java.util.Optional.of("true") : java.util.Optional.empty());
    }
}
