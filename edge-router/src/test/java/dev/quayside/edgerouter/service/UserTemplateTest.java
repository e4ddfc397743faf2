package dev.quayside.edgerouter.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.quayside.devstack.consul.ConsulStandInResource;
import dev.quayside.devstack.kafka.KafkaBrokerResource;
import dev.quayside.edgerouter.support.EdgeRouterTestResource;
import dev.quayside.edgerouter.support.Http;
import dev.quayside.edgerouter.support.RoutesUpdatedConsumer;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.RoutesUpdated;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * A user's template file: edits are picked up without a restart; an edit HAProxy rejects keeps the running
 * configuration serving and is announced as {@code INVALID} with HAProxy's message.
 */
@QuarkusTest
@TestProfile(UserTemplateTest.UserTemplate.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = EdgeRouterTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ConsulStandInResource.class, restrictToAnnotatedClass = true)
class UserTemplateTest {

    /** Points {@code quayside.edge-router.template} at a copy of the shipped template. */
    public static class UserTemplate implements QuarkusTestProfile {
        static final Path FILE;

        static {
            try (InputStream in = UserTemplateTest.class.getClassLoader()
                    .getResourceAsStream(ConfigRenderer.DEFAULT_TEMPLATE)) {
                FILE = Files.createTempFile("edge-router-template-", ".cfg.qute");
                Files.write(FILE, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quayside.edge-router.template", FILE.toString(),
                    "quayside.edge-router.template-check-interval", "200ms");
        }
    }

    @Test
    void templateEditsApplyAndARejectedOneKeepsServing() throws Exception {
        int port = ConfigProvider.getConfig().getValue(EdgeRouterTestResource.HTTP_PORT, Integer.class);
        Path file = UserTemplate.FILE;
        String original = Files.readString(file);
        try (RoutesUpdatedConsumer events = new RoutesUpdatedConsumer()) {
            // a valid edit: a fixed answer for one host, served after the next render
            Files.writeString(file, original.replace("    bind {frontend.bindAddress}:{frontend.httpPort}\n",
                    "    bind {frontend.bindAddress}:{frontend.httpPort}\n"
                            + "    http-request return status 200 content-type text/plain string edited if { req.hdr(host),field(1,:) -m str edited.test }\n"));
            Awaitility.await("the edit is live").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Http.get(port, "edited.test", "/").body().equals("edited"));

            // an edit HAProxy rejects
            Files.writeString(file, Files.readString(file) + "\nbackend broken\n    balance no-such-algorithm\n");
            EventEnvelope<RoutesUpdated> invalid = events.await(
                    e -> e.data().instance().equals("edge-test") && e.data().outcome() == RoutesUpdated.Outcome.INVALID,
                    Duration.ofSeconds(20));
            assertThat(invalid).as("an INVALID RoutesUpdated").isNotNull();
            assertThat(invalid.data().message()).contains("balance only supports");
            Awaitility.await().pollInSameThread().atMost(Duration.ofSeconds(5)).untilAsserted(() -> given()
                    .get("/routes").then().body("lastRender.outcome", equalTo("INVALID"))
                    .body("lastRender.message", containsString("balance only supports")));
            assertThat(Http.get(port, "edited.test", "/").body()).as("the running configuration still serves")
                    .isEqualTo("edited");
        } finally {
            Files.writeString(file, original);
        }
    }
}
