package dev.quayside.edgerouter.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import dev.quayside.devstack.consul.ConsulStandIn;
import dev.quayside.devstack.kafka.KafkaBrokerResource;
import dev.quayside.edgerouter.support.Backend;
import dev.quayside.edgerouter.support.ConsulAgent;
import dev.quayside.edgerouter.support.EdgeRouterTestResource;
import dev.quayside.edgerouter.support.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Consul with ACLs on (default deny): edge-router reads its token from a file through the kit's
 * {@code ${file::<path>}} form ({@code quayside.consul.token=${file::/run/secrets/consul-token}}), and its blocking
 * queries carry it, so a registered service becomes a route.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = EdgeRouterTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ConsulTokenFromFileTest.TokenInAFile.class, restrictToAnnotatedClass = true)
class ConsulTokenFromFileTest {

    /** A Consul stand-in that requires its management token, which the application gets only as a file. */
    public static class TokenInAFile implements QuarkusTestResourceLifecycleManager {
        static final String TOKEN = "edge-" + UUID.randomUUID();
        static volatile String url;
        private ConsulStandIn consul;
        private Path dir;

        @Override
        public Map<String, String> start() {
            consul = ConsulStandIn.start(ConsulStandIn.Options.defaults().aclToken(TOKEN));
            url = consul.url();
            try {
                dir = Files.createTempDirectory("edge-consul-token-");
                Path file = Files.writeString(dir.resolve("consul-token"), TOKEN + "\n");
                return Map.of("quayside.consul.url", consul.url(), "quayside.consul.token", "${file::" + file + "}");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
            if (consul != null) {
                consul.close();
            }
            if (dir != null) {
                dir.resolve("consul-token").toFile().delete();
                dir.toFile().delete();
            }
        }
    }

    @Test
    void theTokenFromTheFileReachesConsul() throws Exception {
        assertThat(ConfigProvider.getConfig().getValue("quayside.consul.token", String.class))
                .as("the configured value resolves to the file's content").isEqualTo(TokenInAFile.TOKEN);
        int httpPort = ConfigProvider.getConfig().getValue(EdgeRouterTestResource.HTTP_PORT, Integer.class);
        ConsulAgent agent = new ConsulAgent(TokenInAFile.url, TokenInAFile.TOKEN);
        try (Backend secured = Backend.start("secured")) {
            agent.register("secured-1", "secured", secured.port(), "{\"haproxy_vhost\": \"secured.test\"}");
            Awaitility.await("the service is routed").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        Http.Response response = Http.get(httpPort, "secured.test", "/");
                        return response.status() == 200 && response.body().equals("secured");
                    });
            // GET /routes changes once the reload is confirmed, a moment after the new worker answers
            Awaitility.await().pollInSameThread().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given()
                    .get("/routes").then().statusCode(200).body("routes.service", contains("secured")));
            given().get("/q/health/ready").then().statusCode(200)
                    .body("checks.find { it.name == 'consul' }.status", equalTo("UP"));
            agent.deregister("secured-1");
        }
    }
}
