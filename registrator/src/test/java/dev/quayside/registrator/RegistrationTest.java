package dev.quayside.registrator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.model.ExposedPort;
import dev.quayside.devstack.kafka.KafkaBrokerResource;
import dev.quayside.events.Container;
import dev.quayside.events.ContainerStarted;
import dev.quayside.events.ContainerStopped;
import dev.quayside.registrator.TestContainers.Spec;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The service end to end: a real container per naming case, its registration read back from Consul field by field,
 * its events read back from the real Kafka broker; the stop, kill and exit paths.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(ConsulProcessResource.class)
@QuarkusTestResource(RegistratorTestResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistrationTest {

    static final Duration WAIT = Duration.ofSeconds(15);

    @ConfigProperty(name = "quayside.consul.url")
    String consulUrl;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String kafka;

    ConsulView consul;
    ContainerEventsRecorder events;
    final TestContainers containers = RegistratorTestResource.containers();
    final String host = RegistratorTestResource.hostname();

    @BeforeAll
    void connect() {
        consul = new ConsulView(consulUrl);
        events = new ContainerEventsRecorder(kafka);
    }

    @AfterAll
    void close() throws InterruptedException {
        events.close();
    }

    /** One expected registration: id (null: {@code <host>:<container>:<port>}), container port, name, tags, meta. */
    record Expected(String id, int containerPort, String name, List<String> tags, Map<String, String> meta) {
    }

    record Case(String title, Spec spec, List<Expected> expected) {
        @Override
        public String toString() {
            return title;
        }
    }

    static Expected plain(String name) {
        return new Expected(null, 8080, name, List.of(), Map.of());
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("image base name", new Spec("base"), List.of(plain("sample-app"))),
                new Case("SERVICE_NAME, SERVICE_TAGS, other SERVICE_* to Meta",
                        new Spec("named").env("SERVICE_NAME=api", "SERVICE_TAGS=blue,v2", "SERVICE_REGION=eu"),
                        List.of(new Expected(null, 8080, "api", List.of("blue", "v2"), Map.of("region", "eu")))),
                new Case("labels win over env",
                        new Spec("labels").env("SERVICE_NAME=env-name").label("SERVICE_NAME", "label-name"),
                        List.of(plain("label-name"))),
                new Case("SERVICE_<port>_NAME wins over SERVICE_NAME",
                        new Spec("perport").env("SERVICE_8080_NAME=port-name").label("SERVICE_NAME", "plain"),
                        List.of(plain("port-name"))),
                new Case("SERVICE_ID", new Spec("customid").env("SERVICE_ID=custom-" + "id"),
                        List.of(new Expected("custom-id", 8080, "sample-app", List.of(), Map.of()))),
                new Case("two published ports: -<port> suffix unless SERVICE_<port>_NAME",
                        new Spec("multi").port(ExposedPort.tcp(9090)).env("SERVICE_NAME=web",
                                "SERVICE_9090_NAME=admin"),
                        List.of(new Expected(null, 8080, "web-8080", List.of(), Map.of()),
                                new Expected(null, 9090, "admin", List.of(), Map.of()))),
                new Case("an exposed, unpublished port does not count",
                        new Spec("unpublished").exposeOnly(ExposedPort.tcp(9090)), List.of(plain("sample-app"))),
                new Case("SERVICE_<port>_IGNORE", new Spec("portignore").port(ExposedPort.tcp(9090))
                        .env("SERVICE_9090_IGNORE=true"),
                        List.of(new Expected(null, 8080, "sample-app-8080", List.of(), Map.of()))),
                new Case("Marathon ids to Meta", new Spec("marathon").env("MARATHON_APP_ID=/shop/web",
                        "MESOS_TASK_ID=shop_web.abc"),
                        List.of(new Expected(null, 8080, "sample-app", List.of(),
                                Map.of("marathon_app_id", "/shop/web", "mesos_task_id", "shop_web.abc")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void namingCase(Case c) {
        String containerId = containers.start(c.spec());
        String containerName = containers.containerName(c.spec().name);
        List<String> ids = new ArrayList<>();
        for (Expected e : c.expected()) {
            ids.add(e.id() != null ? e.id() : host + ":" + containerName + ":" + e.containerPort());
        }
        await().atMost(WAIT).until(() -> consul.services().keySet().containsAll(ids));
        for (int i = 0; i < ids.size(); i++) {
            Expected e = c.expected().get(i);
            JsonNode s = consul.services().get(ids.get(i));
            assertThat(s.path("ID").asText()).as("ID").isEqualTo(ids.get(i));
            assertThat(s.path("Service").asText()).as("Service").isEqualTo(e.name());
            assertThat(s.path("Address").asText()).as("Address").isEqualTo("127.0.0.1");
            assertThat(s.path("Port").asInt()).as("Port").isEqualTo(containers.hostPort(containerId, e.containerPort()));
            List<String> tags = new ArrayList<>();
            s.path("Tags").forEach(t -> tags.add(t.asText()));
            assertThat(tags).as("Tags").isEqualTo(e.tags());
            Map<String, String> meta = new java.util.TreeMap<>();
            s.path("Meta").fields().forEachRemaining(f -> meta.put(f.getKey(), f.getValue().asText()));
            assertThat(meta).as("Meta").isEqualTo(e.meta());
        }
        containers.remove(containerId);
        await().atMost(WAIT).until(() -> ids.stream().noneMatch(consul.services().keySet()::contains));
    }

    @Test
    void ignoredAndNotRegistered() {
        String ignored = containers.start(new Spec("ignored").env("SERVICE_IGNORE=1"));
        String unpublished = containers.start(new Spec("nopublish").noPublish());
        String marker = containers.start(new Spec("marker"));
        String markerId = host + ":" + containers.containerName("marker") + ":8080";
        await().atMost(WAIT).until(() -> consul.services().containsKey(markerId));
        assertThat(consul.services(host)).doesNotContainKeys(host + ":" + containers.containerName("ignored") + ":8080",
                host + ":" + containers.containerName("nopublish") + ":8080");
        containers.remove(ignored);
        containers.remove(unpublished);
        containers.remove(marker);
    }

    @Test
    void httpCheckWithTimeoutAndMethodGoesThroughTheRawCall() {
        String id = containers.start(new Spec("httpcheck").env("SERVICE_CHECK_HTTP=/health",
                "SERVICE_CHECK_INTERVAL=2s", "SERVICE_CHECK_TIMEOUT=1s", "SERVICE_CHECK_HTTP_METHOD=GET",
                "SERVICE_CHECK_DEREGISTER_AFTER=10m"));
        String serviceId = host + ":" + containers.containerName("httpcheck") + ":8080";
        await().atMost(WAIT).until(() -> consul.checkOf(serviceId) != null);
        JsonNode definition = consul.checkOf(serviceId).path("Definition");
        int port = containers.hostPort(id, 8080);
        assertThat(definition.path("HTTP").asText()).isEqualTo("http://127.0.0.1:" + port + "/health");
        assertThat(definition.path("Method").asText()).isEqualTo("GET");
        assertThat(definition.path("Timeout").asText()).isEqualTo("1s");
        assertThat(definition.path("Interval").asText()).isEqualTo("2s");
        assertThat(definition.path("DeregisterCriticalServiceAfter").asText()).isEqualTo("10m0s");
        containers.remove(id);
    }

    @Test
    void tcpAndTtlChecksGoThroughTheVertxClient() {
        String tcp = containers.start(new Spec("tcpcheck").env("SERVICE_CHECK_TCP=true"));
        String ttl = containers.start(new Spec("ttlcheck").env("SERVICE_CHECK_TTL=30s",
                "SERVICE_CHECK_INITIAL_STATUS=passing"));
        String tcpId = host + ":" + containers.containerName("tcpcheck") + ":8080";
        String ttlId = host + ":" + containers.containerName("ttlcheck") + ":8080";
        await().atMost(WAIT).until(() -> consul.checkOf(tcpId) != null && consul.checkOf(ttlId) != null);
        JsonNode tcpDefinition = consul.checkOf(tcpId).path("Definition");
        assertThat(tcpDefinition.path("TCP").asText()).isEqualTo("127.0.0.1:" + containers.hostPort(tcp, 8080));
        assertThat(tcpDefinition.path("Interval").asText()).isEqualTo("10s");
        JsonNode ttlCheck = consul.checkOf(ttlId);
        assertThat(ttlCheck.path("Type").asText()).isEqualTo("ttl");
        assertThat(ttlCheck.path("Status").asText()).isEqualTo("passing");
        containers.remove(tcp);
        containers.remove(ttl);
    }

    @Test
    void startedAndStoppedEventsCarryTheContainerAndMarathonIds() {
        String id = containers.start(new Spec("evented").env("MARATHON_APP_ID=/shop/api",
                "MESOS_TASK_ID=shop_api.1", "SERVICE_TAGS=v1").label("org.opencontainers.image.revision", "abc123"));
        String serviceId = host + ":" + containers.containerName("evented") + ":8080";
        await().atMost(WAIT).until(() -> events.forService(serviceId).stream()
                .anyMatch(r -> r.value().is(ContainerStarted.class)));
        Container started = events.forService(serviceId).get(0).value().require(ContainerStarted.class).data()
                .container();
        assertThat(started.serviceId()).isEqualTo(serviceId);
        assertThat(started.serviceName()).isEqualTo("sample-app");
        assertThat(started.host()).isEqualTo(host);
        assertThat(started.containerId()).isEqualTo(id);
        assertThat(started.containerName()).isEqualTo(containers.containerName("evented"));
        assertThat(started.image()).isEqualTo(TestContainers.IMAGE);
        assertThat(started.address()).isEqualTo("127.0.0.1");
        assertThat(started.port()).isEqualTo(containers.hostPort(id, 8080));
        assertThat(started.tags()).containsExactly("v1");
        assertThat(started.marathonAppId()).isEqualTo("/shop/api");
        assertThat(started.mesosTaskId()).isEqualTo("shop_api.1");
        assertThat(started.revision()).isEqualTo("abc123");

        containers.kill(id);
        await().atMost(WAIT).until(() -> events.forService(serviceId).stream()
                .anyMatch(r -> r.value().is(ContainerStopped.class)));
        ContainerStopped stopped = events.forService(serviceId).stream()
                .filter(r -> r.value().is(ContainerStopped.class)).findFirst().orElseThrow()
                .value().require(ContainerStopped.class).data();
        assertThat(stopped.exitCode()).isEqualTo(137);
        assertThat(stopped.container().marathonAppId()).isEqualTo("/shop/api");
        assertThat(consul.services()).doesNotContainKey(serviceId);
        containers.remove(id);
    }

    @Test
    void stopAndExitPathsDeregister() {
        String stopped = containers.start(new Spec("stopped"));
        String exits = containers.start(new Spec("exits").shell("sleep 2; exit 3"));
        // the shell container exposes 8080 and is published, though nothing listens: registrator cannot tell
        String stoppedId = host + ":" + containers.containerName("stopped") + ":8080";
        String exitsId = host + ":" + containers.containerName("exits") + ":8080";
        await().atMost(WAIT).until(() -> consul.services().keySet().containsAll(List.of(stoppedId, exitsId)));
        containers.stop(stopped);
        await().atMost(WAIT).until(() -> !consul.services().containsKey(stoppedId));
        await().atMost(WAIT).until(() -> !consul.services().containsKey(exitsId));
        await().atMost(WAIT).until(() -> events.forService(exitsId).stream()
                .anyMatch(r -> r.value().is(ContainerStopped.class)));
        ContainerStopped exit = events.forService(exitsId).stream().filter(r -> r.value().is(ContainerStopped.class))
                .findFirst().orElseThrow().value().require(ContainerStopped.class).data();
        assertThat(exit.exitCode()).isEqualTo(3);
        containers.remove(stopped);
        containers.remove(exits);
    }

    @Test
    void aCheckConsulRefusesLeavesThatServiceOutAndTheOthersIn() {
        String bad = containers.start(new Spec("badcheck").env("SERVICE_CHECK_TCP=true",
                "SERVICE_CHECK_TIMEOUT=banana"));
        String good = containers.start(new Spec("goodcheck").env("SERVICE_CHECK_TCP=true"));
        String badId = host + ":" + containers.containerName("badcheck") + ":8080";
        String goodId = host + ":" + containers.containerName("goodcheck") + ":8080";
        await().atMost(WAIT).until(() -> consul.services().containsKey(goodId));
        // a full sync tries the refused one again, and answers when done; it is an operator action
        given().when().post("/registrations/sync").then().statusCode(401);
        given().header("Authorization", "Bearer test-operator-token").when().post("/registrations/sync").then()
                .statusCode(200)
                .body("services.id", hasItem(goodId))
                .body("services.id", org.hamcrest.Matchers.not(hasItem(badId)))
                .body("lastSync", org.hamcrest.Matchers.notNullValue());
        assertThat(consul.services()).doesNotContainKey(badId);
        assertThat(events.forService(badId)).as("no event for what is not registered").isEmpty();
        given().when().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.matchesPattern("(?s).*quayside_registrator_failures_total(\\{[^}]*\\})? [1-9].*"));
        containers.remove(bad);
        containers.remove(good);
    }

    @Test
    void restShowsRegistrationsAndHealthIsUp() {
        String id = containers.start(new Spec("rest"));
        String serviceId = host + ":" + containers.containerName("rest") + ":8080";
        await().atMost(WAIT).until(() -> consul.services().containsKey(serviceId));
        given().when().get("/registrations").then().statusCode(200)
                .body("hostname", equalTo(host))
                .body("streamConnected", equalTo(true))
                .body("services.id", hasItem(serviceId));
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("docker"))
                .body("checks.name", hasItem("consul"));
        given().when().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("quayside_registrator_registrations_total"));
        containers.remove(id);
    }
}
