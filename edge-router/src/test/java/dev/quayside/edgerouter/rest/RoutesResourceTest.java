package dev.quayside.edgerouter.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import dev.quayside.devstack.kafka.KafkaBrokerResource;
import dev.quayside.edgerouter.support.EdgeRouterTestResource;
import dev.quayside.edgerouter.support.Http;
import dev.quayside.edgerouter.support.RoutesUpdatedConsumer;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.RoutesUpdated;
import java.time.Duration;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** The service starts its HAProxy with the first render and shows it on {@code GET /routes}. */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(EdgeRouterTestResource.class)
class RoutesResourceTest {

    @Test
    void showsTheRenderedRoutesAndHaproxyRuns() throws Exception {
        given().get("/routes").then().statusCode(200)
                .body("instance", equalTo("edge-test"))
                .body("configHash", notNullValue())
                .body("routes", hasSize(0))
                .body("lastRender.outcome", equalTo("RELOADED"));
        int port = ConfigProvider.getConfig().getValue(EdgeRouterTestResource.HTTP_PORT, Integer.class);
        assertThat(Http.get(port, "nothing.test", "/").status()).isEqualTo(503);
    }

    @Test
    void theFirstRenderIsAnnouncedOnKafka() {
        try (RoutesUpdatedConsumer consumer = new RoutesUpdatedConsumer()) {
            EventEnvelope<RoutesUpdated> envelope = consumer.await(e -> e.data().instance().equals("edge-test"),
                    Duration.ofSeconds(30));
            assertThat(envelope).as("a RoutesUpdated from edge-test").isNotNull();
            assertThat(envelope.data().outcome()).isEqualTo(RoutesUpdated.Outcome.RELOADED);
            assertThat(envelope.data().configHash()).hasSize(64);
            assertThat(envelope.context().source()).isEqualTo("/quayside/edge-router");
            assertThat(envelope.chainId()).isEqualTo(envelope.id());
        }
    }

    @Test
    void metricsCountRenders() {
        given().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("quayside_edge_router_render_seconds_count"))
                .body(org.hamcrest.Matchers.containsString("quayside_edge_router_renders_total{outcome=\"reloaded\"}"))
                .body(org.hamcrest.Matchers.containsString("quayside_edge_router_haproxy_validate_seconds_count"));
    }

    @Test
    void readinessProbesHaproxy() {
        given().get("/q/health/ready").then()
                .body("checks.find { it.name == 'haproxy' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'haproxy' }.data.failedReloads", equalTo(0));
    }
}
