package dev.quayside.edgerouter.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.quayside.devstack.consul.ConsulStandIn;
import dev.quayside.devstack.consul.ConsulStandInResource;
import dev.quayside.devstack.consul.InjectConsulStandIn;
import dev.quayside.devstack.kafka.KafkaBrokerResource;
import dev.quayside.edgerouter.support.Backend;
import dev.quayside.edgerouter.support.ConsulAgent;
import dev.quayside.edgerouter.support.FreePorts;
import dev.quayside.edgerouter.support.EdgeRouterTestResource;
import dev.quayside.edgerouter.support.Http;
import dev.quayside.edgerouter.support.RoutesUpdatedConsumer;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.RoutesUpdated;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The whole stage: services registered in the devstack Consul stand-in become HAProxy routes through blocking queries,
 * health changes move instances in and out, and every render is announced on the real Kafka broker.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = EdgeRouterTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ConsulStandInResource.class, restrictToAnnotatedClass = true)
class ConsulRoutesTest {

    private static final Duration LIVE = Duration.ofSeconds(30); // a route removal waits for a reload; 10 s was missed once on a loaded CI run

    @InjectConsulStandIn
    ConsulStandIn consul;

    private int httpPort() {
        return ConfigProvider.getConfig().getValue(EdgeRouterTestResource.HTTP_PORT, Integer.class);
    }

    private Set<String> answers(String host, int requests) throws Exception {
        Set<String> bodies = new HashSet<>();
        for (int i = 0; i < requests; i++) {
            Http.Response response = Http.get(httpPort(), host, "/");
            bodies.add(response.status() == 200 ? response.body() : "HTTP " + response.status());
        }
        return bodies;
    }

    @Test
    void routesFollowTheCatalogAndHealth() throws Exception {
        ConsulAgent agent = new ConsulAgent(consul.url());
        try (Backend a = Backend.start("a"); Backend b = Backend.start("b");
                RoutesUpdatedConsumer events = new RoutesUpdatedConsumer()) {
            agent.register("shop-a", "shop", a.port(), "{\"haproxy_vhost\": \"shop.test\"}");
            agent.register("shop-b", "shop", b.port(), "{\"haproxy_vhost\": \"shop.test\"}");

            Awaitility.await("both instances serve").atMost(LIVE).pollInterval(Duration.ofMillis(100))
                    .until(() -> answers("shop.test", 6).equals(Set.of("a", "b")));
            Awaitility.await().pollInSameThread().atMost(LIVE).untilAsserted(() -> given().get("/routes").then().statusCode(200)
                    .body("routes.service", contains("shop"))
                    .body("routes[0].hosts", contains("shop.test"))
                    .body("routes[0].servers", hasSize(2))
                    .body("routes[0].instances.health", contains("PASSING", "PASSING")));

            agent.fail("shop-b");
            Awaitility.await("the failing instance leaves the backend").atMost(LIVE)
                    .pollInterval(Duration.ofMillis(100)).until(() -> answers("shop.test", 6).equals(Set.of("a")));
            // GET /routes changes once the reload is confirmed, a moment after the new worker answers
            Awaitility.await().pollInSameThread().atMost(LIVE).untilAsserted(() -> given().get("/routes").then()
                    .body("routes[0].servers.name", contains("shop-a"))
                    .body("routes[0].instances.health", contains("PASSING", "CRITICAL"))
                    .body("routes[0].instances.served", contains(true, false)));
            EventEnvelope<RoutesUpdated> event = events.await(e -> e.data().routes().equals(List.of(
                    new RoutesUpdated.Route("shop", "shop.test", null, List.of("127.0.0.1:" + a.port())))),
                    Duration.ofSeconds(20));
            assertThat(event).as("RoutesUpdated with only the passing instance").isNotNull();
            assertThat(event.data().outcome()).isEqualTo(RoutesUpdated.Outcome.RELOADED);
            assertThat(event.key()).isEqualTo("edge-test");

            agent.pass("shop-b");
            Awaitility.await("the recovered instance is back").atMost(LIVE).pollInterval(Duration.ofMillis(100))
                    .until(() -> answers("shop.test", 6).equals(Set.of("a", "b")));

            agent.deregister("shop-a");
            agent.deregister("shop-b");
            Awaitility.await("the route disappears").atMost(LIVE).pollInterval(Duration.ofMillis(100))
                    .until(() -> answers("shop.test", 2).equals(Set.of("HTTP 503")));
            Awaitility.await().pollInSameThread().atMost(LIVE).untilAsserted(() -> given().get("/routes").then()
                    .body("routes", hasSize(0)));
        }
    }

    @Test
    void aTcpRouteGetsItsOwnPort() throws Exception {
        ConsulAgent agent = new ConsulAgent(consul.url());
        int port = FreePorts.next();
        try (Backend db = Backend.start("db")) {
            agent.register("db-1", "db", db.port(), "{\"haproxy_port\": \"" + port + "\"}");
            Awaitility.await("the TCP port serves").atMost(LIVE).pollInterval(Duration.ofMillis(100)).until(() -> {
                try {
                    return Http.get(port, "any", "/").body().equals("db");
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            Awaitility.await().pollInSameThread().atMost(LIVE).untilAsserted(() -> given().get("/routes").then()
                    .body("routes.find { it.service == 'db' }.kind", equalTo("TCP"))
                    .body("routes.find { it.service == 'db' }.port", equalTo(port)));
            agent.deregister("db-1");
            Awaitility.await("the TCP port closes").atMost(LIVE).pollInterval(Duration.ofMillis(100)).until(() -> {
                try {
                    Http.get(port, "any", "/");
                    return false;
                } catch (java.io.IOException e) {
                    return true;
                }
            });
        }
    }

    @Test
    void failedConsulQueriesAreRetriedWithBackOff() throws Exception {
        ConsulAgent agent = new ConsulAgent(consul.url());
        consul.failRequests("GET", "/v1/health/service/flaky", 0, 3, 500);
        try (Backend flaky = Backend.start("flaky")) {
            agent.register("flaky-1", "flaky", flaky.port(), "{\"haproxy_vhost\": \"flaky.test\"}");
            Awaitility.await("served once the failures are over").atMost(LIVE).pollInterval(Duration.ofMillis(100))
                    .until(() -> answers("flaky.test", 2).equals(Set.of("flaky")));
            String metrics = given().get("/q/metrics").then().extract().asString();
            java.util.regex.Matcher counted = java.util.regex.Pattern
                    .compile("(?m)^quayside_edge_router_consul_failures_total ([0-9.]+)$").matcher(metrics);
            assertThat(counted.find()).as("the failures counter in /q/metrics").isTrue();
            assertThat(Double.parseDouble(counted.group(1))).as("the three failed queries").isGreaterThanOrEqualTo(3);
            assertThat(metrics).contains("quayside_edge_router_consul_services");
            agent.deregister("flaky-1");
            Awaitility.await("the route disappears").atMost(LIVE).pollInterval(Duration.ofMillis(100))
                    .until(() -> answers("flaky.test", 2).equals(Set.of("HTTP 503")));
        } finally {
            consul.clearFailures();
            try {
                agent.deregister("flaky-1"); // whatever failed above: the other tests see only their own services
            } catch (java.io.IOException alreadyGone) {
                // deregistered above
            }
        }
    }

    @Test
    void readinessProbesConsul() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'consul' }.status", equalTo("UP"));
    }
}
