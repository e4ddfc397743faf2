package dev.quayside.board;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quayside.board.testing.ConfigSyncerReceiver;
import dev.quayside.board.testing.GitWatcherReceiver;
import dev.quayside.board.testing.LoopbackConfigSyncer;
import dev.quayside.board.testing.LoopbackGitWatcher;
import dev.quayside.board.testing.PipelineScript;
import dev.quayside.board.testing.SeededChain;
import dev.quayside.board.testing.SseClient;
import dev.quayside.devstack.kafka.KafkaBrokerResource;
import dev.quayside.events.BuildOutcome;
import dev.quayside.events.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The board against the real broker: real event envelopes and build log lines are published as the stages publish them,
 * and the view, the JSON API and the live streams are checked.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SeededChain.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = GitWatcherReceiver.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = ConfigSyncerReceiver.class, restrictToAnnotatedClass = false)
class BoardTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(20);
    static PipelineScript script;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @TestHTTPResource("/")
    URL base;

    @BeforeEach
    void script() {
        if (script == null) {
            script = new PipelineScript(bootstrap);
        }
        await().atMost(WAIT).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    }

    @AfterAll
    static void close() {
        if (script != null) {
            script.close();
            script = null;
        }
    }

    @Test
    void theViewIsRebuiltFromTheTopicsBeforeTheBoardIsReady() {
        // published before the board started; ready means read: no waiting here
        given().get("/api/chains/" + SeededChain.chainId).then().statusCode(200)
                .body("status", equalTo("live"))
                .body("stages.key", equalTo(List.of("push", "build", "image", "config", "sync", "deploy:dev/" + SeededChain.app)));
        given().get("/api/apps/" + SeededChain.app).then().statusCode(200)
                .body("environments.dev.status", equalTo("running"));
        given().get("/api/builds/" + SeededChain.buildId + "/log").then().statusCode(200)
                .body(containsString("Step 2/2 : COPY busybox /bin/busybox"));
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'board-view' }.status", equalTo("UP"));
    }

    @Test
    void aChainMovesThroughItsStagesInOrder() throws Exception {
        PipelineScript.Chain chain = script.chain(PipelineScript.unique("shop"));
        chain.push();
        JsonNode pushed = awaitChain(chain, c -> c.path("stages").size() > 0);
        assertThat(pushed.path("status").asText()).isEqualTo("running");
        assertThat(states(pushed)).containsExactly("push=succeeded", "build=pending", "image=pending",
                "config=pending");
        assertThat(pushed.path("message").asText()).isEqualTo("Make the basket faster");
        assertThat(pushed.path("links").path("commit").asText())
                .isEqualTo("https://git.example.org/team/" + chain.app + "/commit/" + chain.commit);

        chain.queued().started();
        JsonNode building = awaitChain(chain, c -> states(c).contains("build=running"));
        assertThat(building.path("buildId").asText()).isEqualTo(chain.buildId);

        chain.finished(BuildOutcome.SUCCESS, null).imageBuilt().tagUpdated("dev");
        JsonNode tagged = awaitChain(chain, c -> states(c).contains("config=succeeded"));
        assertThat(states(tagged)).containsExactly("push=succeeded", "build=succeeded", "image=succeeded",
                "config=succeeded", "sync=pending", "deploy:dev/" + chain.app + "=running");

        // git-watcher sees config-syncer's write-back as a push of the config repo: mirrored already, nothing follows
        chain.configPushed();
        JsonNode writeBack = await().atMost(WAIT).until(() -> json(given().get("/api/chains?repo="
                + PipelineScript.CONFIG_REPO + "&commit=" + chain.configCommit).then().extract().asString()),
                list -> list.size() == 1 && chain.id().equals(list.get(0).path("writeBackOf").asText())).get(0);
        assertThat(writeBack.path("status").asText()).isEqualTo("synced");
        assertThat(writeBack.path("kind").asText()).isEqualTo("config");

        chain.configSynced("dev").deployed("dev");
        JsonNode live = awaitChain(chain, c -> "live".equals(c.path("status").asText()));
        assertThat(live.path("stages").get(3).path("links").path("configCommit").asText())
                .isEqualTo("https://git.example.org/ops/" + PipelineScript.CONFIG_REPO + "/commit/" + chain.configCommit);
        assertThat(states(live)).containsExactly("push=succeeded", "build=succeeded", "image=succeeded",
                "config=succeeded", "sync=succeeded", "deploy:dev/" + chain.app + "=succeeded");
        JsonNode deploy = live.path("stages").get(5);
        JsonNode sync = live.path("stages").get(4);
        assertThat(java.time.Instant.parse(deploy.path("startedAt").asText()))
                .as("a deployment's bar starts when its sync ended, not before")
                .isAfterOrEqualTo(java.time.Instant.parse(sync.path("endedAt").asText()));
        assertThat(deploy.path("durationMs").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(deploy.path("links").path("marathon").asText()).endsWith("/v2/apps/dev/" + chain.app);
        assertThat(live.path("stages").get(2).path("links").path("image").asText())
                .isEqualTo("http://127.0.0.1:5000/v2/" + chain.app + "/manifests/" + chain.digest());
        assertThat(live.path("durationMs").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(live.path("finishedAt").isMissingNode()).isFalse();

        // by repository and commit (a prefix is enough), and by id
        given().get("/api/chains?repo=" + chain.app + "&commit=" + chain.commit.substring(0, 7)).then()
                .statusCode(200).body("id", equalTo(List.of(chain.id())));
        given().get("/api/chains?commit=zz").then().statusCode(400)
                .body("error", containsString("4 to 40 hex digits"));
        given().get("/api/chains/no-such-chain").then().statusCode(404);
    }

    @Test
    void appsShowWhatRunsWhereSinceWhenAndTheirHistory() {
        String app = PipelineScript.unique("web");
        PipelineScript.Chain first = script.chain(app).all("dev", "prod");
        awaitChainStatus(first, "live");
        PipelineScript.Chain second = script.chain(app).all("dev");
        awaitChainStatus(second, "live");

        JsonNode row = json(given().get("/api/apps/" + app).then().statusCode(200).extract().asString());
        JsonNode dev = row.path("environments").path("dev");
        JsonNode prod = row.path("environments").path("prod");
        assertThat(dev.path("image").asText()).isEqualTo(second.pinnedImage());
        assertThat(dev.path("digest").asText()).isEqualTo(second.digest());
        assertThat(dev.path("commit").asText()).isEqualTo(second.commit);
        assertThat(dev.path("repository").asText()).isEqualTo(app);
        assertThat(dev.path("version").asText()).isEqualTo("2026-01-01T00:00:00.000Z");
        assertThat(dev.path("status").asText()).isEqualTo("running");
        assertThat(dev.path("lastChange").path("chainId").asText()).isEqualTo(second.id());
        assertThat(prod.path("image").asText()).isEqualTo(first.pinnedImage());
        assertThat(prod.path("commit").asText()).isEqualTo(first.commit);
        assertThat(java.time.Instant.parse(dev.path("since").asText()))
                .isAfter(java.time.Instant.parse(prod.path("since").asText()));

        given().get("/api/apps").then().statusCode(200).body("environments", hasItem("prod"))
                .body("apps.app", hasItem(app));
        given().get("/api/apps/" + app + "/history?env=dev").then().statusCode(200)
                .body("commit", equalTo(List.of(second.commit, first.commit)))
                .body("type", equalTo(List.of("deployed", "deployed")));
        given().get("/api/apps/" + app + "/history?env=qa").then().statusCode(404)
                .body("error", containsString("it was in: dev, prod"));
        given().get("/api/apps/no-such-app/history").then().statusCode(404);
    }

    @Test
    void aFailedDeploymentFailsTheChainAndIsListedWithItsReason() {
        String app = PipelineScript.unique("api");
        PipelineScript.Chain good = script.chain(app).all("dev");
        awaitChainStatus(good, "live");
        PipelineScript.Chain bad = script.chain(app);
        bad.push().queued().started().finished(BuildOutcome.SUCCESS, null).imageBuilt().tagUpdated("dev")
                .configSynced("dev").deploymentFailed("dev", "0 of 1 task(s) healthy after 40 s");
        JsonNode failed = awaitChainStatus(bad, "failed");
        assertThat(failed.path("statusReason").asText()).contains("deployment of " + app + " in dev failed")
                .contains("HEALTH_CHECK: 0 of 1 task(s) healthy after 40 s");

        JsonNode dev = json(given().get("/api/apps/" + app).then().extract().asString()).path("environments").path("dev");
        assertThat(dev.path("status").asText()).isEqualTo("failed");
        assertThat(dev.path("image").asText()).as("the last good version still runs").isEqualTo(good.pinnedImage());
        assertThat(dev.path("lastFailure").path("reason").asText()).contains("HEALTH_CHECK");

        given().get("/api/failures").then().statusCode(200)
                .body("find { it.app == '" + app + "' }.reason", containsString("0 of 1 task(s) healthy"))
                .body("find { it.app == '" + app + "' }.chainId", equalTo(bad.id()));

        PipelineScript.Chain broken = script.chain(app);
        broken.push().queued().started().finished(BuildOutcome.FAILURE, "step 2: COPY failed: no such file");
        assertThat(awaitChainStatus(broken, "failed").path("statusReason").asText())
                .isEqualTo("build failure: step 2: COPY failed: no such file");
    }

    @Test
    void aSuspendedAppsChainSaysSuspendedNotFailedAndIsNoFailure() {
        String app = PipelineScript.unique("held");
        PipelineScript.Chain good = script.chain(app).all("dev");
        awaitChainStatus(good, "live");
        PipelineScript.Chain held = script.chain(app);
        held.push().queued().started().finished(BuildOutcome.SUCCESS, null).imageBuilt().tagUpdated("dev")
                .configSynced("dev").suspended("dev");
        JsonNode chain = awaitChainStatus(held, "suspended");
        assertThat(chain.path("statusReason").asText()).isEqualTo(app + " is suspended in dev: not applied there"
                + " until resumed");
        JsonNode dev = json(given().get("/api/apps/" + app).then().extract().asString()).path("environments").path("dev");
        assertThat(dev.path("status").asText()).isEqualTo("suspended");
        assertThat(dev.path("image").asText()).as("what ran before still runs").isEqualTo(good.pinnedImage());
        assertThat(json(given().get("/api/failures").then().extract().asString()).findValuesAsText("app"))
                .doesNotContain(app);
    }

    @Test
    void aPromotionIsAStageOfItsSourceChainAndItsOwnChainSaysWhereItCameFrom() {
        String app = PipelineScript.unique("promo");
        PipelineScript.Chain source = script.chain(app).all("dev");
        awaitChainStatus(source, "live");
        source.promotionRequested("dev", "prod");
        JsonNode requested = awaitChain(source, c -> states(c).contains("promote:prod=running"));
        assertThat(requested.path("stages").get(requested.path("stages").size() - 1).path("summary").asText())
                .isEqualTo("requested (gates: approval): " + source.pinnedImage());
        source.promotionWaiting("dev", "prod");
        JsonNode waiting = awaitChain(source, c -> c.path("stages").get(c.path("stages").size() - 1)
                .path("summary").asText().startsWith("waiting"));
        assertThat(waiting.path("status").asText()).as("the source chain ended with its deployment").isEqualTo("live");
        assertThat(waiting.path("stages").get(waiting.path("stages").size() - 1).path("summary").asText())
                .isEqualTo("waiting for approval: " + source.pinnedImage());

        source.promotionApproved("dev", "prod", "ada", "window");
        JsonNode approved = awaitChain(source, c -> c.path("stages").get(c.path("stages").size() - 1)
                .path("summary").asText().startsWith("approved"));
        assertThat(approved.path("stages").get(approved.path("stages").size() - 1).path("summary").asText())
                .isEqualTo("approved by ada; waiting for window: " + source.pinnedImage());

        String promotion = source.promoted("dev", "prod");
        JsonNode promoted = awaitChain(source, c -> states(c).contains("promote:prod=succeeded"));
        JsonNode stage = promoted.path("stages").get(promoted.path("stages").size() - 1);
        assertThat(stage.path("links").path("chain").asText()).isEqualTo("/api/chains/" + promotion);

        JsonNode own = await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> json(given()
                .get("/api/chains/" + promotion).then().extract().asString()), c -> "live".equals(c.path("status")
                        .asText()) && source.id().equals(c.path("promotedFrom").asText()));
        assertThat(states(own)).containsExactly("promoted-from=succeeded", "sync=succeeded",
                "deploy:prod/" + app + "=succeeded");
        assertThat(own.path("stages").get(0).path("links").path("chain").asText())
                .isEqualTo("/api/chains/" + source.id());
        assertThat(own.path("apps").toString()).contains(app);
    }

    @Test
    void aPushAppearsLiveAndMovesThroughTheStagesOnTheStream() {
        PipelineScript.Chain chain = script.chain(PipelineScript.unique("live"));
        // followed before it exists, by repository and commit prefix: the way `quayside follow` does after a push
        try (SseClient sse = new SseClient(base + "api/chains?repo=" + chain.app + "&commit="
                + chain.commit.substring(0, 10) + "&follow=true")) {
            assertThat(sse.status()).isEqualTo(200);
            assertThat(sse.contentType()).startsWith("text/event-stream");
            chain.push();
            JsonNode first = nextChain(sse);
            assertThat(first.path("id").asText()).isEqualTo(chain.id());
            assertThat(states(first)).contains("push=succeeded");

            chain.afterPush("dev");
            List<String> statuses = new ArrayList<>();
            JsonNode last = first;
            SseClient.Event event;
            while ((event = sse.next(WAIT)) != SseClient.END) {
                assertThat(event).as("an event within " + WAIT).isNotNull();
                last = json(event.data());
                statuses.add(String.join(",", states(last)));
            }
            assertThat(last.path("status").asText()).as("the stream ends once the chain is live").isEqualTo("live");
            assertThat(statuses).anyMatch(s -> s.contains("build=running"));
        }
    }

    @Test
    void buildLogsAreKeptAndStreamedWhileTheBuildRuns() {
        PipelineScript.Chain chain = script.chain(PipelineScript.unique("logs"));
        chain.push().queued().started().log("Step 1/3 : FROM scratch", "Step 2/3 : COPY app /app");
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/builds/" + chain.buildId).then().statusCode(200)
                .body("lines.size()", equalTo(2)).body("finished", equalTo(false)));
        try (SseClient sse = new SseClient(base + "api/builds/" + chain.buildId + "/log?follow=true")) {
            assertThat(json(sse.next(WAIT).data()).path("line").asText()).isEqualTo("Step 1/3 : FROM scratch");
            assertThat(json(sse.next(WAIT).data()).path("number").asLong()).isEqualTo(2);
            chain.log("Step 3/3 : CMD [\"/app\"]");
            SseClient.Event third = sse.next(WAIT);
            assertThat(third.name()).isEqualTo("log");
            assertThat(json(third.data()).path("line").asText()).isEqualTo("Step 3/3 : CMD [\"/app\"]");
            chain.finished(BuildOutcome.SUCCESS, null);
            assertThat(sse.next(WAIT).name()).isEqualTo("log-end");
            assertThat(sse.next(WAIT)).isSameAs(SseClient.END);
        }
        given().get("/api/builds/" + chain.buildId + "/log").then().statusCode(200).contentType(ContentType.TEXT)
                .body(equalTo("Step 1/3 : FROM scratch\nStep 2/3 : COPY app /app\nStep 3/3 : CMD [\"/app\"]\n"));
        given().get("/api/builds/no-such-build/log").then().statusCode(404);
    }

    @Test
    void eventsAreListedAsPublishedFilteredByTypeAndFollowed() {
        PipelineScript.Chain chain = script.chain(PipelineScript.unique("events"));
        chain.push().queued().started().finished(BuildOutcome.FAILURE, "no Dockerfile");
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/events?type=build-finished&limit=1000").then()
                .statusCode(200).body("chainId", hasItem(chain.id())));
        JsonNode events = json(given().get("/api/events?type=build-finished,commit-pushed&limit=1000").then()
                .extract().asString());
        List<String> names = new ArrayList<>();
        for (JsonNode e : events) {
            if (chain.id().equals(e.path("chainId").asText())) {
                names.add(e.path("name").asText());
                assertThat(e.path("cdevent").path("context").path("chainId").asText()).isEqualTo(chain.id());
            }
        }
        assertThat(names).containsExactly("commit-pushed", "build-finished");
        given().get("/api/events?type=dev.cdevents.build.finished.0.3.0&limit=1").then().statusCode(200)
                .body("[0].type", equalTo("dev.cdevents.build.finished.0.3.0"));
        given().get("/api/events?type=quayside.deployed&limit=1").then().statusCode(200);
        given().get("/api/events?type=build-done").then().statusCode(400)
                .body("error", containsString("build-finished"));

        try (SseClient sse = new SseClient(base + "api/events?type=image-built&follow=true")) {
            chain.imageBuilt();
            SseClient.Event event = sse.next(WAIT);
            assertThat(event.name()).isEqualTo("event");
            assertThat(json(event.data()).path("summary").asText()).contains(chain.pinnedImage());
        }
    }

    @Test
    void syncNeedsTheOperatorTokenAndForwardsItToGitWatcher() {
        List<LoopbackGitWatcher.Request> requests = GitWatcherReceiver.receiver.requests();
        requests.clear();
        String path = "/api/repositories/" + LoopbackGitWatcher.WATCHED + "/sync";
        given().post(path).then().statusCode(401).header("WWW-Authenticate", containsString("Bearer"))
                .body(containsString("operator token is required"));
        given().header("Authorization", "Bearer wrong").post(path).then().statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer")).body(containsString("operator token is required"));
        assertThat(requests).as("a refused action never reaches git-watcher").isEmpty();

        given().header("Authorization", "Bearer test-operator-token").post(path).then().statusCode(200)
                .body("status", equalTo("synced")).body("gitWatcher.name", equalTo(LoopbackGitWatcher.WATCHED));
        assertThat(requests).containsExactly(new LoopbackGitWatcher.Request("POST",
                "/repositories/" + LoopbackGitWatcher.WATCHED + "/sync", "Bearer test-operator-token"));

        given().header("Authorization", "Bearer test-operator-token").post("/api/repositories/unknown/sync").then()
                .statusCode(404).body("error", containsString("does not watch repository 'unknown'"));
    }

    @Test
    void promotionDecisionsNeedTheOperatorTokenAndReachConfigSyncer() {
        List<LoopbackConfigSyncer.Request> requests = ConfigSyncerReceiver.receiver.requests();
        requests.clear();
        given().get("/api/promotions").then().statusCode(200).body("status", equalTo("listed"))
                .body("configSyncer[0].app", equalTo(LoopbackConfigSyncer.APP))
                .body("configSyncer[0].image", equalTo(LoopbackConfigSyncer.IMAGE));
        assertThat(requests).as("the board asks with its operator token").containsExactly(
                new LoopbackConfigSyncer.Request("GET", "/api/promotions", "Bearer test-operator-token", ""));
        requests.clear();

        String approve = "/api/promotions/" + LoopbackConfigSyncer.REPOSITORY + "/" + LoopbackConfigSyncer.APP + "/"
                + LoopbackConfigSyncer.ENVIRONMENT + "/approve";
        given().contentType("application/json").body("{}").post(approve).then().statusCode(401);
        given().header("Authorization", "Bearer wrong").contentType("application/json").body("{}").post(approve).then()
                .statusCode(401);
        assertThat(requests).as("a refused decision never reaches config-syncer").isEmpty();

        String seen = "{\"image\":\"" + LoopbackConfigSyncer.IMAGE + "\"}";
        given().header("Authorization", "Bearer test-operator-token").contentType("application/json").body(seen)
                .post(approve).then().statusCode(200).body("status", equalTo("approved"))
                .body("app", equalTo(LoopbackConfigSyncer.APP)).body("configSyncer.promoted", equalTo(true));
        assertThat(requests).containsExactly(new LoopbackConfigSyncer.Request("POST",
                "/api/promotions/deploy-config/web/prod/approve", "Bearer test-operator-token", seen));

        given().header("Authorization", "Bearer test-operator-token").contentType("application/json")
                .body("{\"image\":\"127.0.0.1:5000/web:older\"}").post(approve).then().statusCode(409)
                .body("error", containsString("the promotion waiting is for " + LoopbackConfigSyncer.IMAGE));
        given().header("Authorization", "Bearer test-operator-token").contentType("application/json").body("{}")
                .post(approve.replace("/approve", "/reject")).then().statusCode(200).body("status", equalTo("rejected"));
        given().header("Authorization", "Bearer test-operator-token").contentType("application/json").body("{}")
                .post("/api/promotions/deploy-config/other/prod/approve").then().statusCode(404)
                .body("error", containsString("no promotion waiting"));
    }

    @Test
    void suspendResumeAndRollbackNeedTheOperatorTokenAndReachConfigSyncer() {
        List<LoopbackConfigSyncer.Request> requests = ConfigSyncerReceiver.receiver.requests();
        requests.clear();
        String app = PipelineScript.unique("steered");
        String suspend = "/api/apps/" + app + "/prod/suspend";
        // (few refusals: each caller has a budget of 10 a minute, shared with the other tests of this class)
        for (String path : List.of(suspend, "/api/apps/" + app + "/prod/resume", "/api/apps/" + app + "/prod/rollback")) {
            given().contentType("application/json").body("{}").post(path).then().statusCode(401)
                    .header("WWW-Authenticate", containsString("Bearer"));
        }
        given().header("Authorization", "Bearer wrong").contentType("application/json").body("{}")
                .post("/api/apps/" + app + "/prod/rollback").then().statusCode(401);
        assertThat(requests).as("a refused action never reaches config-syncer").isEmpty();

        String asked = "{\"by\":\"the board\",\"reason\":\"incident 42\"}";
        given().header("Authorization", "Bearer test-operator-token").contentType("application/json").body(asked)
                .post(suspend).then().statusCode(200).body("status", equalTo("suspended")).body("app", equalTo(app))
                .body("environment", equalTo("prod")).body("action", equalTo("suspend"))
                .body("configSyncer.repository", equalTo(LoopbackConfigSyncer.REPOSITORY))
                .body("configSyncer.commit", matchesPattern("[0-9a-f]{40}"));
        assertThat(requests).containsExactly(new LoopbackConfigSyncer.Request("POST", "/api/apps/" + app + "/prod/suspend",
                "Bearer test-operator-token", asked));
        requests.clear();
        given().get("/api/suspensions").then().statusCode(200).body("status", equalTo("listed"))
                .body("configSyncer.app", hasItem(app)).body("configSyncer.app", hasItem(LoopbackConfigSyncer.SUSPENDED_IN_YML))
                .body("configSyncer.find { it.app == '" + app + "' }.reason", equalTo("incident 42"));
        assertThat(requests).as("the board reads the list with its own operator token").containsExactly(
                new LoopbackConfigSyncer.Request("GET", "/api/suspensions", "Bearer test-operator-token", ""));

        String token = "Bearer test-operator-token";
        // config-syncer's refusals are passed on with their status and error
        given().header("Authorization", token).contentType("application/json").body("{}")
                .post("/api/apps/" + app + "/prod/rollback").then().statusCode(409)
                .body("error", containsString("resume it first")).body("app", equalTo(app));
        given().header("Authorization", token).contentType("application/json").body("{}")
                .post("/api/apps/" + app + "/prod/resume").then().statusCode(200).body("status", equalTo("resumed"));
        given().header("Authorization", token).contentType("application/json").body("{}")
                .post("/api/apps/" + app + "/prod/resume").then().statusCode(404)
                .body("error", containsString("is not suspended in prod"));
        given().header("Authorization", token).contentType("application/json").body("{}")
                .post("/api/apps/" + LoopbackConfigSyncer.SUSPENDED_IN_YML + "/prod/resume").then().statusCode(409)
                .body("error", containsString("edit quayside.yml"));
        given().header("Authorization", token).contentType("application/json").body("{\"to\": 7}")
                .post("/api/apps/" + app + "/prod/rollback").then().statusCode(400)
                .body("error", containsString("'to' must be a string"));
        given().header("Authorization", token).contentType("application/json").body("{}")
                .post("/api/apps/" + LoopbackConfigSyncer.UNDEFINED + "-app/prod/suspend").then().statusCode(404)
                .body("error", containsString("no definition of"));
        given().header("Authorization", token).contentType("application/json").body("{}")
                .post("/api/apps/" + app + "/prod/rollback").then().statusCode(200).body("status", equalTo("rolled-back"))
                .body("configSyncer.toImage", equalTo(LoopbackConfigSyncer.image(app, LoopbackConfigSyncer.PREVIOUS_TAG)))
                .body("configSyncer.file", equalTo("marathon/prod/" + app + ".json"));
    }

    @Test
    void aMalformedRecordIsCountedAndReadingGoesOn() throws Exception {
        long before = json(given().get("/api/status").then().extract().asString()).path("malformed").asLong();
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(Topics.DEPLOYED, "garbage", "not json".getBytes(StandardCharsets.UTF_8))).get();
        }
        PipelineScript.Chain after = script.chain(PipelineScript.unique("after")).push();
        awaitChain(after, c -> true);
        assertThat(json(given().get("/api/status").then().extract().asString()).path("malformed").asLong())
                .isEqualTo(before + 1);
    }

    @Test
    void theApiIsDescribedWithOpenApi() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths", hasKey("/api/apps"))
                .body("paths", hasKey("/api/chains/{id}"))
                .body("paths", hasKey("/api/builds/{id}/log"))
                .body("paths", hasKey("/api/events"))
                .body("paths.'/api/repositories/{name}/sync'.post.security[0]", hasKey("operator"))
                .body("paths.'/api/promotions/{repository}/{app}/{environment}/approve'.post.security[0]",
                        hasKey("operator"))
                .body("paths", hasKey("/api/suspensions"))
                .body("paths.'/api/apps/{app}/{environment}/suspend'.post.security[0]", hasKey("operator"))
                .body("paths.'/api/apps/{app}/{environment}/resume'.post.responses", hasKey("409"))
                .body("paths.'/api/apps/{app}/{environment}/rollback'.post.security[0]", hasKey("operator"))
                .body("paths.'/api/apps/{app}/{environment}/rollback'.post.responses", hasKey("409"));
    }

    @Test
    void thePageCarriesTheBoardWithoutAnythingFromElsewhere() {
        String html = given().get("/").then().statusCode(200).contentType(ContentType.HTML).extract().asString();
        assertThat(html).contains("<script type=\"application/json\" id=\"initial\">")
                .contains(SeededChain.chainId).contains("src=\"/board.js\"");
        // everything the page loads comes from the board itself
        assertThat(html).doesNotContainPattern("(src|href)=\"(https?:)?//");
        given().get("/board.js").then().statusCode(200).body(containsString("EventSource"));
        given().get("/board.css").then().statusCode(200);
    }

    // ----------------------------------------------------------------------------------------------------------------

    static JsonNode awaitChain(PipelineScript.Chain chain, java.util.function.Predicate<JsonNode> condition) {
        JsonNode[] found = {null};
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            String body = given().get("/api/chains?repo=" + chain.app + "&commit=" + chain.commit).then()
                    .statusCode(200).extract().asString();
            JsonNode list = json(body);
            found[0] = list.size() == 0 ? null : list.get(0);
            return found[0] != null && condition.test(found[0]);
        });
        return found[0];
    }

    static JsonNode awaitChainStatus(PipelineScript.Chain chain, String status) {
        return awaitChain(chain, c -> status.equals(c.path("status").asText()));
    }

    static JsonNode nextChain(SseClient sse) {
        SseClient.Event event = sse.next(WAIT);
        assertThat(event).as("a chain event within " + WAIT).isNotNull().isNotSameAs(SseClient.END);
        assertThat(event.name()).isEqualTo("chain");
        return json(event.data());
    }

    static List<String> states(JsonNode chain) {
        List<String> states = new ArrayList<>();
        chain.path("stages").forEach(s -> states.add(s.path("key").asText() + "=" + s.path("state").asText()));
        return states;
    }

    static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(body, e);
        }
    }
}
