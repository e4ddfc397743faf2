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

    static ConsulTarget consul;

    @BeforeAll
    static void start() {
        consul = ConsulTarget.start(ConsulStandIn.Options.defaults().aclToken("s3cr3t-management"));
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
        HttpResponse<String> none = consul.send("GET", "/v1/agent/services", null, null);
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
}
