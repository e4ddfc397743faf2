package dev.quayside.devstack.consul;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Quarkus test resource's life cycle, driven as Quarkus drives it (init, start, stop). */
class ConsulStandInResourceTest {

    private static int status(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "/v1/agent/self"));
        if (token != null) {
            request.header("X-Consul-Token", token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void startsWithoutAcl() throws Exception {
        ConsulStandInResource resource = new ConsulStandInResource();
        resource.init(Map.of());
        Map<String, String> config = resource.start();
        try {
            assertThat(config).containsOnlyKeys("quayside.consul.url");
            assertThat(config.get("quayside.consul.url")).startsWith("http://127.0.0.1:");
            assertThat(status(config.get("quayside.consul.url"), null)).isEqualTo(200);
        } finally {
            resource.stop();
        }
    }

    @Test
    void startsWithAclAndHandsOutTheToken() throws Exception {
        ConsulStandInResource resource = new ConsulStandInResource();
        resource.init(Map.of("aclToken", "resource-token"));
        Map<String, String> config = resource.start();
        String url = config.get("quayside.consul.url");
        try {
            assertThat(config).containsEntry("quayside.consul.token", "resource-token");
            assertThat(status(url, null)).isEqualTo(403);
            assertThat(status(url, "resource-token")).isEqualTo(200);
        } finally {
            resource.stop();
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> status(url, "resource-token"))
                .as("stopped with the test class").isInstanceOf(java.io.IOException.class);
    }
}
