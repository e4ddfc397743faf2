package dev.quayside.marathonapplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import dev.quayside.devstack.consul.ConsulStandIn;
import dev.quayside.devstack.consul.ConsulStandInResource;
import dev.quayside.devstack.consul.InjectConsulStandIn;
import dev.quayside.devstack.docker.DockerEngine;
import dev.quayside.devstack.docker.SampleApp;
import dev.quayside.devstack.kafka.KafkaBrokerResource;
import dev.quayside.devstack.marathon.MarathonStandInResource;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.PipelineEvent;
import dev.quayside.events.ServiceDeployed;
import dev.quayside.events.ServiceRemoved;
import dev.quayside.events.ServiceRolledBack;
import dev.quayside.events.ServiceUpgraded;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * marathon-applier against the real Kafka broker, the Consul stand-in and the Marathon/Chronos stand-ins running real
 * containers of the busybox sample app. Each test drives it the way config-syncer does: definitions in Consul KV, then
 * a {@link ConfigSynced} event naming their keys.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ConsulStandInResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = MarathonStandInResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "deploymentTimeoutSeconds", value = "12"))
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MarathonApplierTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String PREFIX = ConfigSyncs.PREFIX;
    static final String V1 = "quayside-applier-test:v1";
    static final String V2 = "quayside-applier-test:v2";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "quayside.consul.url")
    String consul;
    @ConfigProperty(name = "quayside.marathon.url")
    String marathon;
    @ConfigProperty(name = "quayside.chronos.url")
    String chronos;
    @InjectConsulStandIn
    ConsulStandIn consulStandIn;

    static final List<EventEnvelope<?>> OUTCOMES = new CopyOnWriteArrayList<>();
    static Thread listener;
    static volatile boolean listening = true;

    @BeforeAll
    static void buildImages() throws Exception {
        var docker = DockerEngine.requireRunning();
        for (String[] image : new String[][] {{V1, "1.0.0"}, {V2, "2.0.0"}}) {
            Path dir = Files.createTempDirectory("applier-image-");
            SampleApp.writeSource(dir, image[1]);
            docker.buildImageCmd(dir.toFile()).withTags(Set.of(image[0])).exec(new BuildImageResultCallback())
                    .awaitImageId(2, TimeUnit.MINUTES);
        }
    }

    @AfterAll
    static void stopListening() throws InterruptedException {
        listening = false;
        if (listener != null) {
            listener.join(5000);
        }
    }

    void listen() {
        if (listener == null) {
            listener = DeployedTopic.listen(bootstrap, OUTCOMES, () -> listening);
        }
    }

    @Test
    @Order(1)
    void aNewAppRunsAndIsAnnouncedAsDeployed() throws Exception {
        listen();
        putKv("marathon/staging/web.json", app("/staging/web", V1, 1, "/health"));
        EventEnvelope<ConfigSynced> sync = sync("c1", List.of(PREFIX + "marathon/staging/web.json"), List.of());

        ServiceDeployed deployed = awaitOutcome(ServiceDeployed.class, sync.chainId(), "/staging/web");
        assertThat(deployed.deployment().environment()).isEqualTo("staging");
        assertThat(deployed.deployment().image()).isEqualTo(V1);
        assertThat(deployed.deployment().deploymentId()).isNotBlank();
        assertThat(version("/staging/web")).isEqualTo("1.0.0");
        // Marathon's event stream was followed (as a hint; polling confirmed the outcome)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(io.restassured.RestAssured.get("/q/metrics")
                .asString()).containsPattern("quayside_marathon_events_total\\{[^}]*type=\"deployment_success\""));
    }

    @Test
    @Order(2)
    void anImageChangeIsARollingUpgradeAndARedeliveryChangesNothing() throws Exception {
        putKv("marathon/staging/web.json", app("/staging/web", V2, 1, "/health"));
        EventEnvelope<ConfigSynced> sync = sync("c2", List.of(PREFIX + "marathon/staging/web.json"), List.of());
        ServiceUpgraded upgraded = awaitOutcome(ServiceUpgraded.class, sync.chainId(), "/staging/web");
        assertThat(upgraded.unchanged()).isFalse();
        assertThat(version("/staging/web")).isEqualTo("2.0.0");

        // the same sync again (a redelivery: its offset was not committed before a broker outage): no deployment, and
        // the outcome has the first one's event id, so the chain does not end twice (chaos kafka-outage, full workload)
        int before = OUTCOMES.size();
        publish(sync);
        ServiceUpgraded again = awaitOutcome(ServiceUpgraded.class, sync.chainId(), "/staging/web", before);
        assertThat(again.unchanged()).isTrue();
        assertThat(deploymentsOf("/staging/web")).isEmpty();
        assertThat(outcomeIds(sync.chainId(), ServiceUpgraded.class)).hasSize(2).containsOnly(
                outcomeIds(sync.chainId(), ServiceUpgraded.class).get(0));

        // a newer sync of the same definition is deployed, then the first one is redelivered (a kill -9 of the
        // applier before its offset was committed, full-workload chaos kill-marathon-applier): it finds the newer
        // version running and must still announce under its first outcome's id, not a second terminal event
        putKv("marathon/staging/web.json", app("/staging/web", V2, 2, "/health"));
        EventEnvelope<ConfigSynced> newer = sync("c2b", List.of(PREFIX + "marathon/staging/web.json"), List.of());
        awaitOutcome(ServiceUpgraded.class, newer.chainId(), "/staging/web");
        int beforeLate = OUTCOMES.size();
        publish(sync);
        awaitOutcome(ServiceUpgraded.class, sync.chainId(), "/staging/web", beforeLate);
        assertThat(outcomeIds(sync.chainId(), ServiceUpgraded.class)).hasSize(3).containsOnly(
                outcomeIds(sync.chainId(), ServiceUpgraded.class).get(0));
    }

    private static String gitHashObject(String content) throws Exception {
        Process git = new ProcessBuilder("git", "hash-object", "--stdin").redirectErrorStream(true).start();
        try (var in = git.getOutputStream()) {
            in.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String id = new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        assertThat(git.waitFor()).as("git hash-object: " + id).isZero();
        return id;
    }

    private static List<String> outcomeIds(String chainId, Class<?> type) {
        return OUTCOMES.stream().filter(e -> chainId.equals(e.chainId()) && type.isInstance(e.data()))
                .map(EventEnvelope::id).toList();
    }

    @Test
    @Order(3)
    void aHealthCheckThatNeverPassesFailsAndIsRolledBack() throws Exception {
        String failing = app("/staging/web", V1, 1, "/no-such-page");
        putKv("marathon/staging/web.json", failing);
        EventEnvelope<ConfigSynced> sync = sync("c3", List.of(PREFIX + "marathon/staging/web.json"), List.of());
        DeploymentFailed failed = awaitOutcome(DeploymentFailed.class, sync.chainId(), "/staging/web");
        assertThat(failed.reason()).isEqualTo(DeploymentFailed.Reason.HEALTH_CHECK);
        ServiceRolledBack rolledBack = awaitOutcome(ServiceRolledBack.class, sync.chainId(), "/staging/web");
        assertThat(rolledBack.reason()).isNotBlank();
        // the failing definition named as Git names the file's content, so config-syncer finds it whichever commit
        // brought it (real git computes the expected id)
        assertThat(rolledBack.definitionBlob()).isEqualTo(gitHashObject(failing));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(version("/staging/web")).isEqualTo("2.0.0"));
    }

    @Test
    @Order(4)
    void anInvalidDefinitionIsNeverSent() throws Exception {
        putKv("marathon/staging/broken.json", "{\"id\":\"/staging/Broken_App\",\"cmd\":\"x\",\"args\":[\"y\"]}");
        putKv("marathon/staging/notjson.json", "{\"id\": ");
        EventEnvelope<ConfigSynced> sync = sync("c4", List.of(PREFIX + "marathon/staging/broken.json",
                PREFIX + "marathon/staging/notjson.json"), List.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> outcomesOf(sync.chainId(), DeploymentFailed.class).size() == 2);
        List<DeploymentFailed> failures = outcomesOf(sync.chainId(), DeploymentFailed.class);
        assertThat(failures).allSatisfy(f -> assertThat(f.reason()).isEqualTo(DeploymentFailed.Reason.INVALID));
        assertThat(failures).extracting(DeploymentFailed::file)
                .containsExactlyInAnyOrder("marathon/staging/broken.json", "marathon/staging/notjson.json");
        assertThat(get(marathon + "/v2/apps/staging/Broken_App").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(5)
    void twoQuickChangesToOneAppAreBothAppliedInOrder() throws Exception {
        putKv("marathon/staging/web.json", app("/staging/web", V2, 2, "/health"));
        EventEnvelope<ConfigSynced> first = sync("c5", List.of(PREFIX + "marathon/staging/web.json"), List.of());
        // a human scales it again while the first deployment runs: Marathon answers 409, the applier queues
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(marathon + "/v2/apps/staging/web"))
                .PUT(HttpRequest.BodyPublishers.ofString(app("/staging/web", V2, 1, "/health")))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isIn(200, 409);
        putKv("marathon/staging/web.json", app("/staging/web", V2, 3, "/health"));
        EventEnvelope<ConfigSynced> second = sync("c6", List.of(PREFIX + "marathon/staging/web.json"), List.of());
        awaitOutcome(ServiceUpgraded.class, second.chainId(), "/staging/web");
        assertThat(outcomesOf(first.chainId(), PipelineEvent.class)).isNotEmpty();
        JsonNode app = JSON.readTree(get(marathon + "/v2/apps/staging/web").body()).path("app");
        assertThat(app.path("instances").asInt()).isEqualTo(3);
    }

    @Test
    @Order(6)
    void aChronosJobIsCreatedAndPrunedWhenItsFileGoes() throws Exception {
        String job = "{\"name\":\"nightly-report\",\"command\":\"true\",\"schedule\":\"R/2030-01-01T00:00:00Z/PT24H\","
                + "\"owner\":\"ops@example.org\",\"container\":{\"type\":\"DOCKER\",\"image\":\"" + V1 + "\"}}";
        putKv("chronos/staging/nightly-report.json", job);
        EventEnvelope<ConfigSynced> created = sync("c7", List.of(PREFIX + "chronos/staging/nightly-report.json"), List.of());
        ServiceDeployed deployed = awaitOutcome(ServiceDeployed.class, created.chainId(), "nightly-report");
        assertThat(deployed.deployment().target().wire()).isEqualTo("chronos");
        assertThat(get(chronos + "/v1/scheduler/jobs/search?name=nightly-report").body()).contains("nightly-report");

        deleteKv("chronos/staging/nightly-report.json");
        EventEnvelope<ConfigSynced> removed = sync("c8", List.of(), List.of(PREFIX + "chronos/staging/nightly-report.json"));
        awaitOutcome(ServiceRemoved.class, removed.chainId(), "nightly-report");
        assertThat(get(chronos + "/v1/scheduler/jobs/search?name=nightly-report").body()).doesNotContain("nightly-report");
    }

    @Test
    @Order(7)
    void driftAfterAManualChangeIsReported() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> deploymentsOf("/staging/web").isEmpty());
        HttpResponse<String> manual = HTTP.send(HttpRequest.newBuilder(URI.create(marathon + "/v2/apps/staging/web"))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"id\":\"/staging/web\",\"instances\":1}"))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(manual.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> OUTCOMES.stream()
                .filter(e -> e.data() instanceof DeploymentFailed f && f.reason() == DeploymentFailed.Reason.DRIFT
                        && f.deployment().targetId().equals("/staging/web"))
                .findAny().isPresent());
    }

    @Test
    @Order(8)
    void aSyncOfAnotherAppIsSentWhileASlowDeploymentOfAnEarlierSyncRuns() throws Exception {
        // a health check that never passes: the slow app's deployment runs until the stand-in gives up (12 s)
        putKv("marathon/staging/slow.json", app("/staging/slow", V1, 1, "/no-such-page"));
        EventEnvelope<ConfigSynced> slow = sync("c9", List.of(PREFIX + "marathon/staging/slow.json"), List.of());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> !deploymentsOf("/staging/slow").isEmpty());

        putKv("marathon/staging/fast.json", app("/staging/fast", V1, 1, "/health"));
        Instant sent = Instant.now();
        EventEnvelope<ConfigSynced> fast = sync("c10", List.of(PREFIX + "marathon/staging/fast.json"), List.of());
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> get(marathon + "/v2/apps/staging/fast").statusCode() == 200);
        Duration toPut = Duration.between(sent, Instant.now());
        assertThat(deploymentsOf("/staging/slow")).as("the slow deployment still runs when the other app is sent")
                .isNotEmpty();
        assertThat(outcomesOf(slow.chainId(), PipelineEvent.class)).isEmpty();

        awaitOutcome(ServiceDeployed.class, fast.chainId(), "/staging/fast");
        DeploymentFailed failed = awaitOutcome(DeploymentFailed.class, slow.chainId(), "/staging/slow");
        assertThat(failed.reason()).isEqualTo(DeploymentFailed.Reason.HEALTH_CHECK);
        assertThat(toPut).isLessThan(Duration.ofSeconds(5));

        for (String id : List.of("slow", "fast")) {
            deleteKv("marathon/staging/" + id + ".json");
            HTTP.send(HttpRequest.newBuilder(URI.create(marathon + "/v2/apps/staging/" + id + "?force=true")).DELETE()
                    .build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    @Order(9)
    void twoSyncsOfOneAppAreAppliedInTheOrderTheyArrived() throws Exception {
        putKv("marathon/staging/ordered.json", app("/staging/ordered", V1, 1, "/health"));
        EventEnvelope<ConfigSynced> first = sync("c11", List.of(PREFIX + "marathon/staging/ordered.json"), List.of());
        // the first sync has read v1 and sent it; v2 is synced while v1 is still being deployed
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> get(marathon + "/v2/apps/staging/ordered").statusCode() == 200);
        putKv("marathon/staging/ordered.json", app("/staging/ordered", V2, 1, "/health"));
        EventEnvelope<ConfigSynced> second = sync("c12", List.of(PREFIX + "marathon/staging/ordered.json"), List.of());

        ServiceUpgraded upgraded = awaitOutcome(ServiceUpgraded.class, second.chainId(), "/staging/ordered");
        assertThat(upgraded.unchanged()).isFalse();
        assertThat(upgraded.deployment().image()).isEqualTo(V2);
        ServiceDeployed deployed = awaitOutcome(ServiceDeployed.class, first.chainId(), "/staging/ordered");
        assertThat(deployed.deployment().image()).isEqualTo(V1);
        // outcomes in the syncs' order, and Marathon received v1 then v2 (never v1 after v2)
        List<String> chains = OUTCOMES.stream().filter(e -> "/staging/ordered".equals(targetIdOf(e.data())))
                .map(EventEnvelope::chainId).toList();
        assertThat(chains).containsExactly(first.chainId(), second.chainId());
        JsonNode versions = JSON.readTree(get(marathon + "/v2/apps/staging/ordered/versions").body()).path("versions");
        List<String> sorted = new ArrayList<>();
        versions.forEach(v -> sorted.add(v.asText()));
        java.util.Collections.sort(sorted); // ISO timestamps
        List<String> images = new ArrayList<>();
        for (String v : sorted) {
            images.add(JSON.readTree(get(marathon + "/v2/apps/staging/ordered/versions/" + v).body())
                    .path("container").path("docker").path("image").asText());
        }
        assertThat(images).containsExactly(V1, V2);
        assertThat(version("/staging/ordered")).isEqualTo("2.0.0");
        assertThat(io.restassured.RestAssured.get("/q/metrics").asString())
                .contains("quayside_marathon_applier_sync_to_put_seconds")
                .contains("quayside_marathon_applier_syncs_in_flight");
    }

    @Test
    @Order(10)
    void aNewAppWhoseHealthCheckNeverPassesFailsWhenMarathonEndsItsDeployment() throws Exception {
        // nothing to roll back to: Marathon (the stand-in, after 12 s) ends the deployment and leaves the app unhealthy
        putKv("marathon/staging/sick.json", app("/staging/sick", V1, 1, "/no-such-page"));
        Instant sent = Instant.now();
        EventEnvelope<ConfigSynced> sync = sync("c13", List.of(PREFIX + "marathon/staging/sick.json"), List.of());

        DeploymentFailed failed = awaitOutcome(DeploymentFailed.class, sync.chainId(), "/staging/sick");
        Duration took = Duration.between(sent, Instant.now());
        assertThat(failed.reason()).isEqualTo(DeploymentFailed.Reason.HEALTH_CHECK);
        assertThat(failed.message()).as("names the health check that never passed")
                .contains("HTTP /no-such-page").contains("Marathon ended deployment " + failed.deployment().deploymentId());
        assertThat(took).as("decided when Marathon ended the deployment, not at the applier's deadline (40 s)")
                .isLessThan(Duration.ofSeconds(30));
        assertThat(outcomesOf(sync.chainId(), PipelineEvent.class)).hasSize(1);

        deleteKv("marathon/staging/sick.json");
        HTTP.send(HttpRequest.newBuilder(URI.create(marathon + "/v2/apps/staging/sick?force=true")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(11)
    void aConsulOutageOfSeveralAttemptsDelaysTheApplyInsteadOfFailingIt() throws Exception {
        listen();
        String job = "{\"name\":\"retry-report\",\"command\":\"true\",\"schedule\":\"R/2030-01-01T00:00:00Z/PT24H\","
                + "\"owner\":\"ops@example.org\"}";
        putKv("chronos/staging/retry-report.json", job);
        // Consul answers 500 to the next six reads of this definition: more than the four attempts (0.5 + 1 + 2 s of
        // back-off) marathon-applier used to give a dependency before announcing the definition as failed
        consulStandIn.failRequests("GET", "/v1/kv/" + PREFIX + "chronos/staging/retry-report", 0, 6, 500);
        EventEnvelope<ConfigSynced> sync = sync("c-outage", List.of(PREFIX + "chronos/staging/retry-report.json"),
                List.of());
        ServiceDeployed deployed = awaitOutcome(ServiceDeployed.class, sync.chainId(), "retry-report");
        assertThat(deployed.deployment().environment()).isEqualTo("staging");
        assertThat(outcomesOf(sync.chainId(), DeploymentFailed.class)).isEmpty();
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    static String app(String id, String image, int instances, String healthPath) {
        return "{\n  \"id\": \"" + id + "\",\n  \"instances\": " + instances + ",\n  \"cpus\": 0.1,\n  \"mem\": 32,\n"
                + "  \"container\": {\"type\": \"DOCKER\", \"docker\": {\"image\": \"" + image + "\", \"network\": \"BRIDGE\","
                + " \"portMappings\": [{\"containerPort\": 8080, \"hostPort\": 0, \"protocol\": \"tcp\"}]}},\n"
                + "  \"healthChecks\": [{\"protocol\": \"HTTP\", \"path\": \"" + healthPath + "\", \"portIndex\": 0,"
                + " \"gracePeriodSeconds\": 5, \"intervalSeconds\": 1, \"timeoutSeconds\": 1, \"maxConsecutiveFailures\": 2}],\n"
                + "  \"upgradeStrategy\": {\"minimumHealthCapacity\": 1, \"maximumOverCapacity\": 1}\n}\n";
    }

    void putKv(String file, String value) throws Exception {
        ConfigSyncs.putKv(consul, file, value);
    }

    void deleteKv(String file) throws Exception {
        ConfigSyncs.deleteKv(consul, file);
    }

    EventEnvelope<ConfigSynced> sync(String commit, List<String> put, List<String> deleted) throws Exception {
        EventEnvelope<ConfigSynced> sync = ConfigSyncs.of(commit, put, deleted);
        publish(sync);
        return sync;
    }

    void publish(EventEnvelope<?> event) throws Exception {
        ConfigSyncs.publish(bootstrap, event);
    }

    static <T extends PipelineEvent> List<T> outcomesOf(String chainId, Class<T> type) {
        List<T> found = new ArrayList<>();
        for (EventEnvelope<?> e : OUTCOMES) {
            if (chainId.equals(e.chainId()) && type.isInstance(e.data())) {
                found.add(type.cast(e.data()));
            }
        }
        return found;
    }

    static <T extends PipelineEvent> T awaitOutcome(Class<T> type, String chainId, String targetId) {
        return awaitOutcome(type, chainId, targetId, 0);
    }

    static <T extends PipelineEvent> T awaitOutcome(Class<T> type, String chainId, String targetId, int after) {
        return await().atMost(Duration.ofSeconds(90))
                .alias("a " + type.getSimpleName() + " for " + targetId + "; outcomes so far: " + OUTCOMES.stream()
                        .filter(e -> chainId.equals(e.chainId())).map(e -> e.data().toString()).toList())
                .until(() -> {
            List<EventEnvelope<?>> all = OUTCOMES.subList(Math.min(after, OUTCOMES.size()), OUTCOMES.size());
            for (EventEnvelope<?> e : all) {
                if (chainId.equals(e.chainId()) && type.isInstance(e.data()) && targetId.equals(targetIdOf(e.data()))) {
                    return type.cast(e.data());
                }
            }
            return null;
        }, java.util.Objects::nonNull);
    }

    static String targetIdOf(PipelineEvent event) {
        if (event instanceof ServiceDeployed e) return e.deployment().targetId();
        if (event instanceof ServiceUpgraded e) return e.deployment().targetId();
        if (event instanceof ServiceRolledBack e) return e.deployment().targetId();
        if (event instanceof ServiceRemoved e) return e.deployment().targetId();
        if (event instanceof DeploymentFailed e) return e.deployment().targetId();
        return null;
    }

    String version(String appId) throws Exception {
        return DeployedTopic.version(marathon, appId);
    }

    List<String> deploymentsOf(String appId) throws Exception {
        return DeployedTopic.deploymentsOf(marathon, appId);
    }

    static HttpResponse<String> get(String url) throws Exception {
        return DeployedTopic.get(url);
    }
}
