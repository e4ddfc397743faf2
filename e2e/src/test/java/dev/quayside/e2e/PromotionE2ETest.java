package dev.quayside.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.quayside.devstack.docker.DockerEngine;
import dev.quayside.devstack.docker.SampleApp;
import dev.quayside.devstack.launcher.ChainFollower;
import dev.quayside.devstack.launcher.LocalRun;
import dev.quayside.devstack.launcher.PipelineWatch;
import dev.quayside.events.EventCodec;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.EventType;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.Promoted;
import dev.quayside.events.PromotionApproved;
import dev.quayside.events.PromotionFailed;
import dev.quayside.events.PromotionWaiting;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Environments as a chain through the whole local run (issue #25): {@code local} follows {@code main}; {@code staging}
 * is promoted from {@code local} after a 10 s soak; {@code prod}, on a second Marathon stand-in, is promoted from
 * {@code staging} after a 10 s soak, a person's approval and inside a deployment window. A push goes live in
 * {@code local}, soaks and is promoted into {@code staging}, waits in {@code prod} for the window (closed when the
 * promotion arrives, opening within about a minute) and the approval given through the board, and goes live in
 * {@code prod} — one image, one promotion commit per environment pinning the same digest, Consul, both Marathons, the
 * events (waiting, approved, promoted, with the gates each waited for) and the commit statuses a loopback Git host
 * (Gitea's API) received from the notifier. Then a person steers it through the board (issue #24): a rollback of
 * {@code prod}; {@code local} suspended and resumed. Then a rejection through the board, and a soak that fails in
 * {@code staging}: each leaves {@code prod} as it was and says why.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PromotionE2ETest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofMinutes(4);
    private static final String STATUS_TOKEN = "e2e-status-token-" + Long.toHexString(System.nanoTime());
    private static final String LOCAL = LocalRun.ENVIRONMENT;
    private static final String STAGING = LocalRun.STAGING_ENVIRONMENT;
    private static final String PROD = LocalRun.PROMOTED_ENVIRONMENT;
    private static final String DEFINITION = "marathon/%s/" + LocalRun.APP_REPO + ".json";
    private final PrintStream out = System.out;
    private final List<Received> statuses = new CopyOnWriteArrayList<>();
    private Path home;
    private HttpServer gitHost;
    private LocalRun run;
    private ChainFollower events;

    /** One request the loopback Git host received. */
    record Received(String method, String path, String authorization, JsonNode body) {
    }

    @BeforeAll
    void startThePipelineWithThreeEnvironments() throws Exception {
        DockerEngine.requireRunning();
        home = Files.createTempDirectory("quayside-e2e-promotion-");
        Path root = Path.of(System.getProperty("quayside.root", "..")).toAbsolutePath().normalize();
        gitHost = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gitHost.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            statuses.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"), EventCodec.mapper().readTree(body)));
            byte[] answer = "{\"id\": 1}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(201, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        gitHost.start();
        // the notifier's commit-status channel, posting to the loopback Gitea as the chains go (docs/notifier.md)
        String channel = "notifier:quayside.notifier.channels.git.";
        Map<String, String> notifier = Map.of(
                channel + "type", "commit-status",
                channel + "host", "gitea",
                channel + "url", "http://127.0.0.1:" + gitHost.getAddress().getPort(),
                channel + "token", STATUS_TOKEN,
                channel + "repository", "quayside/{repository}",
                "notifier:quayside.notifier.rules.statuses.types", "build-finished,tag-updated,service-deployed,"
                        + "service-upgraded,deployment-failed,service-rolled-back",
                "notifier:quayside.notifier.rules.statuses.channels", "git");
        run = LocalRun.start(new LocalRun.Options(root, home, false, 0, notifier, Duration.ofSeconds(20))
                .withPromotion(new LocalRun.Chain("10s", "10s", null)));
        run.createRepositories();
        run.startServices();
        run.installHooks();
        events = new ChainFollower(run.stack().kafkaBootstrap(), true).inBackground("promotion-e2e-events", seen -> { });
    }

    @AfterAll
    void stopThePipeline() throws InterruptedException {
        if (events != null) {
            events.close();
        }
        if (gitHost != null) {
            gitHost.stop(0);
        }
        if (run != null) {
            out.println(run.logTails(5));
            StoppedRun.stopAndCheck(run, home, Map.of("the webhook secret", run.webhookSecret(),
                    "the operator token", run.operatorToken(), "the commit-status token", STATUS_TOKEN));
        }
    }

    @Test
    @Order(1)
    void aPushSoaksInLocalAndStagingWaitsForTheWindowAndTheApprovalAndGoesLiveInProdWithTheSameDigest()
            throws Exception {
        await("staging and prod serve their first version").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> "0.0.0".equals(version(LocalRun.STAGING_HOST))
                        && "0.0.0".equals(version(LocalRun.PROD_HOST)));
        String prodBefore = show(PROD);

        AtomicReference<String> pushed = new AtomicReference<>();
        PipelineWatch.Result result = PipelineWatch.pushAndFollow(run.stack().kafkaBootstrap(), run.frontendPort(),
                LocalRun.APP_REPO, "2.0.0", () -> {
                    pushed.set(run.pushSampleVersion("2.0.0"));
                    return pushed.get();
                }, WAIT, out);
        assertThat(result.live()).as(result.failure()).isTrue();
        String commit = pushed.get();
        String image = marathonImage(LOCAL);

        // staging: promoted once the image ran 10 s in local without a failure
        PromotionWaiting soaking = awaitWaiting(STAGING, image);
        assertThat(soaking.gates()).containsExactly(PromotionWaiting.SOAK);
        assertThat(soaking.fromEnvironment()).isEqualTo(LOCAL);
        // prod's deployment window, from the clock: closed when the promotion reaches prod, open within about a minute
        Instant opens = Instant.now().plusSeconds(45).truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
        ZonedDateTime at = opens.atZone(ZoneOffset.UTC);
        editConfig("quayside.yml", yml -> yml + "    windows: [{ schedule: \"" + at.getMinute() + " " + at.getHour()
                + " * * *\", duration: 2m, time-zone: UTC }]\n", "prod deploys in a window opening at " + opens);
        await("staging serves the promoted version").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> "2.0.0".equals(version(LocalRun.STAGING_HOST)));
        assertThat(marathonImage(STAGING)).as("the same digest in staging, never a rebuild").isEqualTo(image);

        // prod: the soak in staging, the window and a person — announced, listed through the board, prod untouched
        PromotionWaiting waiting = awaitWaiting(PROD, image);
        assertThat(Instant.now()).as("the promotion reached prod before its window opened").isBefore(opens);
        assertThat(waiting.fromEnvironment()).isEqualTo(STAGING);
        assertThat(waiting.gates()).containsExactlyInAnyOrder(PromotionWaiting.SOAK, PromotionWaiting.APPROVAL,
                PromotionWaiting.WINDOW);
        assertThat(waiting.approvalRequired()).isTrue();
        JsonNode listed = await("the board lists it").atMost(Duration.ofSeconds(30)).until(() -> prodPromotions(),
                l -> l.size() == 1);
        assertThat(listed.get(0).path("image").asText()).isEqualTo(image);
        assertThat(listed.get(0).path("waitingFor").toString()).contains("approval").contains("window");
        assertThat(version(LocalRun.PROD_HOST)).as("prod waits").isEqualTo("0.0.0");

        // a person approves through the board (the operator token), naming the image they saw: the window still waits
        JsonNode approved = board("POST", "/api/promotions/" + LocalRun.CONFIG_REPO + "/" + LocalRun.APP_REPO + "/"
                + PROD + "/approve", "{\"image\": \"" + image + "\", \"by\": \"e2e\"}");
        assertThat(approved.path("status").asText()).isEqualTo("approved");
        assertThat(approved.path("configSyncer").path("promoted").asBoolean()).as("not before the window opens")
                .isFalse();
        assertThat(show(PROD)).isEqualTo(prodBefore);
        PromotionApproved approval = await("PromotionApproved").atMost(Duration.ofSeconds(30))
                .until(() -> events.seen().stream().map(s -> s.event().data())
                        .filter(PromotionApproved.class::isInstance).map(PromotionApproved.class::cast)
                        .filter(a -> a.image().equals(image)).findFirst().orElse(null), a -> a != null);
        assertThat(approval.toEnvironment()).isEqualTo(PROD);
        assertThat(approval.approvedBy()).isEqualTo("e2e");
        assertThat(approval.gates()).as("what still waits after the approval").contains(PromotionWaiting.WINDOW)
                .doesNotContain(PromotionWaiting.APPROVAL);

        await("prod serves the promoted version once the window opened").atMost(Duration.between(Instant.now(),
                opens).plus(WAIT)).pollInterval(Duration.ofSeconds(1)).until(() -> "2.0.0".equals(version(
                LocalRun.PROD_HOST)));
        EventEnvelope<?> toProd = promoted(PROD, image);
        assertThat(toProd.context().timestamp()).as("promoted inside the window").isAfterOrEqualTo(opens);
        assertThat(((Promoted) toProd.data()).fromEnvironment()).isEqualTo(STAGING);
        assertThat(((Promoted) promoted(STAGING, image).data()).fromEnvironment()).isEqualTo(LOCAL);

        // both Marathons: local and staging on the first, prod on its own
        assertThat(marathonImage(PROD)).as("the same digest in prod").isEqualTo(image);
        assertThat(status(run.stack().marathonUrl() + "/v2/apps/" + PROD + "/" + LocalRun.APP_REPO)).isEqualTo(404);
        assertThat(status(run.stack().secondMarathonUrl() + "/v2/apps/" + LOCAL + "/" + LocalRun.APP_REPO))
                .isEqualTo(404);

        // the config repository: one promotion commit per environment, each pinning the same digest
        for (String[] hop : new String[][] {{STAGING, LOCAL}, {PROD, STAGING}}) {
            List<String> commits = promotionCommits(hop[0], image);
            assertThat(commits).as("promotion commits into " + hop[0]).hasSize(1);
            String message = git("log", "-1", "--format=%B", commits.get(0));
            assertThat(message).contains("Quayside-Promoted-From: " + hop[1]);
            assertThat(git("diff", "--name-only", commits.get(0) + "^", commits.get(0)).strip())
                    .isEqualTo(DEFINITION.formatted(hop[0]));
            assertThat(git("show", commits.get(0) + ":" + DEFINITION.formatted(hop[0]))).contains(image);
        }
        assertThat(show(PROD)).isNotEqualTo(prodBefore).contains(image);

        // Consul: each environment's mirrored definition and pinned image
        for (String environment : List.of(LOCAL, STAGING, PROD)) {
            assertThat(kv("quayside/config/" + LocalRun.CONFIG_REPO + "/main/" + DEFINITION.formatted(environment)))
                    .contains(image);
            assertThat(kv("quayside/images/" + LocalRun.APP_REPO + "/" + environment)).contains(image);
        }

        // the registry: one image for the commit, whichever environments run it
        List<ImageBuilt> built = events.seen().stream().filter(s -> s.event().type() == EventType.IMAGE_BUILT)
                .map(s -> (ImageBuilt) s.event().data()).filter(b -> commit.equals(b.commit())).toList();
        assertThat(built).as("one build of the commit").hasSize(1);
        assertThat(image).startsWith(built.get(0).registry() + "/" + built.get(0).name() + ":" + built.get(0).tag());
        JsonNode tags = EventCodec.mapper().readTree(get("http://" + run.stack().registryAddress() + "/v2/"
                + LocalRun.APP_REPO + "/tags/list")).path("tags");
        List<String> ofCommit = new ArrayList<>();
        tags.forEach(t -> {
            if (t.asText().contains(commit.substring(0, 7))) {
                ofCommit.add(t.asText());
            }
        });
        assertThat(ofCommit).as("registry tags of " + commit).containsExactly(built.get(0).tag());

        // the commit statuses the Git host received on the pushed commit: the build, then each environment
        String path = "/api/v1/repos/quayside/" + LocalRun.APP_REPO + "/statuses/" + commit;
        await("the Git host has each stage's status").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(states(path)).contains("quayside/build=success", "quayside/deploy/local=success",
                        "quayside/deploy/staging=success", "quayside/deploy/prod=success"));
        assertThat(statuses).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.authorization()).isEqualTo("token " + STATUS_TOKEN);
            assertThat(r.body().path("state").asText()).isIn("pending", "success", "failure", "warning");
        });
    }

    @Test
    @Order(2)
    void aPersonRollsProdBackAndSuspendsAndResumesLocalEachACommitInTheConfigRepository() throws Exception {
        await("prod serves the promoted version").atMost(WAIT).until(() -> "2.0.0".equals(version(LocalRun.PROD_HOST)));
        String config = LocalRun.CONFIG_REPO;

        // rollback: the definition as before its last change (the promotion), a commit that the pipeline deploys
        JsonNode back = board("POST", "/api/apps/" + LocalRun.APP_REPO + "/" + PROD
                + "/rollback", "{\"by\": \"e2e\", \"reason\": \"2.0.0 misbehaves in prod\"}").path("configSyncer");
        assertThat(back.path("repository").asText()).isEqualTo(config);
        String restored = back.path("toImage").asText();
        assertThat(restored).isNotBlank().isNotEqualTo(back.path("fromImage").asText());
        await("prod serves the version before").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> "0.0.0".equals(version(LocalRun.PROD_HOST)));
        assertThat(marathonImage(PROD)).isEqualTo(restored);
        assertThat(git("log", "-1", "--format=%B", back.path("commit").asText())).contains("Quayside-Action: rollback")
                .contains("Quayside-Requested-By: e2e").contains("2.0.0 misbehaves in prod");

        // suspend local: a push builds, but nothing is written or deployed there
        board("POST", "/api/apps/" + LocalRun.APP_REPO + "/" + LOCAL + "/suspend",
                "{\"by\": \"e2e\", \"reason\": \"freeze\"}");
        JsonNode suspended = await("the board lists the suspension").atMost(Duration.ofSeconds(30))
                .until(() -> board("GET", "/api/suspensions", null).path("configSyncer"), l -> l.size() == 1);
        assertThat(suspended.get(0).path("environment").asText()).isEqualTo(LOCAL);
        assertThat(suspended.get(0).path("reason").asText()).isEqualTo("freeze");
        PipelineWatch.Result frozen = PipelineWatch.pushAndFollow(run.stack().kafkaBootstrap(), run.frontendPort(),
                LocalRun.APP_REPO, "3.0.0", () -> run.pushSampleVersion("3.0.0"), WAIT, out);
        assertThat(frozen.live()).isFalse();
        assertThat(frozen.failure()).contains("suspended in " + LOCAL);
        assertThat(PipelineWatch.fetch("http://127.0.0.1:" + run.frontendPort() + "/version")).isEqualTo("2.0.0");

        // resumed: the build it followed while suspended is pinned by the resume's commit and goes live; the next too
        JsonNode resumed = board("POST", "/api/apps/" + LocalRun.APP_REPO + "/" + LOCAL + "/resume",
                "{\"by\": \"e2e\"}").path("configSyncer");
        String held = frozen.events().stream().map(s -> s.event().data()).filter(ImageBuilt.class::isInstance)
                .map(b -> ((ImageBuilt) b).pinnedReference()).findFirst().orElseThrow();
        assertThat(resumed.path("toImage").asText()).isEqualTo(held);
        await("local serves the build held while it was suspended").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> "3.0.0".equals(PipelineWatch.fetch("http://127.0.0.1:" + run.frontendPort() + "/version")));
        PipelineWatch.Result next = PipelineWatch.pushAndFollow(run.stack().kafkaBootstrap(), run.frontendPort(),
                LocalRun.APP_REPO, "3.0.1", () -> run.pushSampleVersion("3.0.1"), WAIT, out);
        assertThat(next.live()).as(next.failure()).isTrue();
    }

    @Test
    @Order(3)
    void aRejectionThroughTheBoardLeavesProdAsItWasAndSaysWhy() throws Exception {
        ProdBefore before = pushUntilItWaitsForProd("4.0.0");
        String image = before.image();
        assertThat(before.waiting().gates()).contains(PromotionWaiting.APPROVAL);

        board("POST", "/api/promotions/" + LocalRun.CONFIG_REPO + "/" + LocalRun.APP_REPO + "/" + PROD + "/reject",
                "{\"image\": \"" + image + "\", \"by\": \"e2e\", \"reason\": \"not before the review\"}");
        PromotionFailed rejected = awaitFailed(image, PromotionFailed.Reason.REJECTED);
        assertThat(rejected.message()).contains("rejected by e2e: not before the review").contains(PROD
                + " left as it is");
        before.assertUntouched();
    }

    @Test
    @Order(4)
    void aBuildWhoseHealthCheckFailsInStagingDuringTheSoakIsNotPromotedIntoProd() throws Exception {
        ProdBefore before = pushUntilItWaitsForProd("5.0.0");
        String image = before.image();

        // while prod waits, the build fails its health check in staging (Marathon rolls it back)
        String broke = editConfig(DEFINITION.formatted(STAGING), text -> text.replace("\"path\": \"/health\"",
                "\"path\": \"/never-healthy\""), "Break staging's health check during the soak");
        PromotionFailed failed = awaitFailed(image, PromotionFailed.Reason.SOAK_FAILED);
        assertThat(failed.message()).contains(image + " failed in " + STAGING).contains("not promoted");
        assertThat(failed.toEnvironment()).isEqualTo(PROD);
        before.assertUntouched();
        // the failure is the config commit's: the Git host gets it on that commit
        String path = "/api/v1/repos/quayside/" + LocalRun.CONFIG_REPO + "/statuses/" + broke;
        await("the Git host learns that staging failed").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(states(path)).contains("quayside/deploy/staging=failure"));
    }

    /** What prod ran before a push, the push's image and its promotion waiting for prod. */
    private record ProdBefore(PromotionE2ETest test, String definition, String running, String image,
            PromotionWaiting waiting) {

        /** Nothing of the push reached prod: no promotion waits, its definition, Marathon and route as before. */
        void assertUntouched() throws Exception {
            assertThat(test.prodPromotions()).as("nothing waits for prod any more").isEmpty();
            assertThat(test.show(PROD)).as("prod's definition untouched").isEqualTo(definition);
            assertThat(test.promotionCommits(PROD, image)).isEmpty();
            assertThat(test.marathonImage(PROD)).as("prod's Marathon untouched").isEqualTo(running);
            assertThat(test.version(LocalRun.PROD_HOST)).isEqualTo("0.0.0");
        }
    }

    /** Pushes {@code version} and waits until its promotion into prod waits (live in local, soaked, in staging). */
    private ProdBefore pushUntilItWaitsForProd(String version) throws Exception {
        String definition = show(PROD);
        String running = marathonImage(PROD);
        String image = pushLiveInLocal(version);
        return new ProdBefore(this, definition, running, image, awaitWaiting(PROD, image));
    }

    /** Pushes {@code version}, waits until local serves it, and returns the image local runs. */
    private String pushLiveInLocal(String version) throws Exception {
        PipelineWatch.Result result = PipelineWatch.pushAndFollow(run.stack().kafkaBootstrap(), run.frontendPort(),
                LocalRun.APP_REPO, version, () -> run.pushSampleVersion(version), WAIT, out);
        assertThat(result.live()).as(result.failure()).isTrue();
        return marathonImage(LOCAL);
    }

    private PromotionWaiting awaitWaiting(String environment, String image) {
        return await("PromotionWaiting into " + environment).atMost(WAIT)
                .until(() -> events.seen().stream().map(s -> s.event().data())
                        .filter(PromotionWaiting.class::isInstance).map(PromotionWaiting.class::cast)
                        .filter(w -> w.image().equals(image) && w.toEnvironment().equals(environment)).findFirst()
                        .orElse(null), w -> w != null);
    }

    private PromotionFailed awaitFailed(String image, PromotionFailed.Reason reason) {
        return await("PromotionFailed " + reason).atMost(WAIT)
                .until(() -> events.seen().stream().map(s -> s.event().data())
                        .filter(PromotionFailed.class::isInstance).map(PromotionFailed.class::cast)
                        .filter(f -> image.equals(f.image()) && f.reason() == reason).findFirst().orElse(null),
                        f -> f != null);
    }

    private EventEnvelope<?> promoted(String environment, String image) {
        return events.seen().stream().map(ChainFollower.Seen::event).filter(e -> e.data() instanceof Promoted p
                && p.image().equals(image) && p.toEnvironment().equals(environment)).findFirst().orElseThrow();
    }

    /** The promotions waiting for prod, as the board lists them from config-syncer. */
    private JsonNode prodPromotions() throws Exception {
        List<JsonNode> prod = new ArrayList<>();
        board("GET", "/api/promotions", null).path("configSyncer").forEach(p -> {
            if (PROD.equals(p.path("toEnvironment").asText())) {
                prod.add(p);
            }
        });
        return EventCodec.mapper().valueToTree(prod);
    }

    /** The config repository's commits that promoted {@code image} into {@code environment}. */
    private List<String> promotionCommits(String environment, String image) {
        String log = git("log", "main", "--format=%H %s");
        return Arrays.stream(log.split("\n")).filter(l -> l.endsWith(" Promote " + LocalRun.APP_REPO + " to "
                + environment + ": " + image)).map(l -> l.substring(0, l.indexOf(' '))).toList();
    }

    /**
     * Every status the Git host received on {@code path}, in order, as {@code context=state} (a rollback's write-back
     * posts "pending" again after the failure: the host keeps the last per context).
     */
    private List<String> states(String path) {
        return statuses.stream().filter(r -> r.path().equals(path)).map(r -> r.body().path("context").asText() + "="
                + r.body().path("state").asText()).toList();
    }

    /** The version the sample app's route at {@code host} answers, or null. */
    private String version(String host) {
        try (Socket socket = new Socket("127.0.0.1", run.frontendPort())) {
            socket.setSoTimeout(5_000);
            OutputStream request = socket.getOutputStream();
            request.write(("GET /version HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            request.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!response.startsWith("HTTP/1.1 200") && !response.startsWith("HTTP/1.0 200")) {
                return null;
            }
            return response.substring(response.indexOf("\r\n\r\n") + 4).strip();
        } catch (IOException e) {
            return null;
        }
    }

    /** The image the environment's Marathon runs for the sample app ({@code prod}: the second stand-in). */
    private String marathonImage(String environment) throws Exception {
        String marathon = PROD.equals(environment) ? run.stack().secondMarathonUrl() : run.stack().marathonUrl();
        JsonNode app = EventCodec.mapper().readTree(get(marathon + "/v2/apps/" + environment + "/"
                + LocalRun.APP_REPO));
        return app.path("app").path("container").path("docker").path("image").asText();
    }

    private String kv(String key) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(run.stack().consulUrl()
                + "/v1/kv/" + key + "?raw")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("Consul key " + key).isEqualTo(200);
        return response.body();
    }

    private static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int status(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private JsonNode board(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(run.services().get("board").url() + path))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + run.operatorToken());
        request = body == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json").method(method,
                        HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(200);
        return EventCodec.mapper().readTree(response.body());
    }

    /** Git in the run's config repository. */
    private String git(String... args) {
        return PipelineE2ETest.git(run.configRepository(), args);
    }

    /** The file on the config repository's main branch. */
    private String show(String environment) {
        return git("show", "main:" + DEFINITION.formatted(environment));
    }

    /**
     * Edits {@code file} in a commit pushed to the config repository (returned); a push that lost a race is tried again.
     */
    private String editConfig(String file, UnaryOperator<String> edit, String message) throws Exception {
        Path work = run.configWorkTree();
        for (int attempt = 1; ; attempt++) {
            SampleApp.git(work, "fetch", "-q", "origin");
            SampleApp.git(work, "reset", "-q", "--hard", "origin/main");
            Path path = work.resolve(file);
            String before = Files.readString(path);
            String after = edit.apply(before);
            assertThat(after).as("the edit changes " + file).isNotEqualTo(before);
            Files.writeString(path, after);
            try {
                return SampleApp.commitAndPush(work, message);
            } catch (RuntimeException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }
}
