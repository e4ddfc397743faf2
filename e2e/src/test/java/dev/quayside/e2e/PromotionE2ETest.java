package dev.quayside.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.devstack.docker.DockerEngine;
import dev.quayside.devstack.launcher.ChainFollower;
import dev.quayside.devstack.launcher.LocalRun;
import dev.quayside.devstack.launcher.PipelineWatch;
import dev.quayside.events.EventCodec;
import dev.quayside.events.EventType;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.Promoted;
import dev.quayside.events.PromotionWaiting;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Promotion behind a manual approval, through the whole local run with its second environment (issue #25): a push
 * goes live in {@code local}; its promotion into {@code prod} waits ({@code PromotionWaiting}, listed by the board from
 * config-syncer) and {@code prod} keeps serving what it ran; once a person approves through the board, config-syncer
 * commits the same digest into {@code prod}'s definition — no rebuild — and {@code prod} serves the new version. Then
 * a person steers it through the board (issue #24): a rollback of {@code prod} (a config-repo commit) and {@code prod}
 * serves the version before; {@code local} suspended, a push is built but not deployed there; resumed, that build is
 * pinned and goes live, and so does the next push.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PromotionE2ETest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofMinutes(4);
    private final PrintStream out = System.out;
    private Path home;
    private LocalRun run;
    private ChainFollower events;

    @BeforeAll
    void startThePipelineWithTwoEnvironments() throws Exception {
        DockerEngine.requireRunning();
        home = Files.createTempDirectory("quayside-e2e-promotion-");
        Path root = Path.of(System.getProperty("quayside.root", "..")).toAbsolutePath().normalize();
        run = LocalRun.start(new LocalRun.Options(root, home, false, 0, Map.of(), Duration.ofSeconds(20))
                .withPromotion());
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
        if (run != null) {
            out.println(run.logTails(5));
            StoppedRun.stopAndCheck(run, home, Map.of("the webhook secret", run.webhookSecret(),
                    "the operator token", run.operatorToken()));
        }
    }

    @Test
    @Order(1)
    void aPushGoesLiveInLocalWaitsForApprovalAndGoesLiveInProdWithTheSameDigest() throws Exception {
        await("prod serves its first version").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> "0.0.0".equals(prodVersion()));

        PipelineWatch.Result result = PipelineWatch.pushAndFollow(run.stack().kafkaBootstrap(), run.frontendPort(),
                LocalRun.APP_REPO, "2.0.0", () -> run.pushSampleVersion("2.0.0"), WAIT, out);
        assertThat(result.live()).as(result.failure()).isTrue();
        String image = marathonImage(LocalRun.ENVIRONMENT);

        // the promotion waits for a person: announced, listed through the board, prod untouched
        PromotionWaiting waiting = await("PromotionWaiting").atMost(Duration.ofSeconds(60))
                .until(() -> events.seen().stream().map(s -> s.event().data())
                        .filter(PromotionWaiting.class::isInstance).map(PromotionWaiting.class::cast)
                        .filter(w -> w.image().equals(image)).findFirst().orElse(null), w -> w != null);
        assertThat(waiting.toEnvironment()).isEqualTo(LocalRun.PROMOTED_ENVIRONMENT);
        JsonNode listed = await("the board lists it").atMost(Duration.ofSeconds(30)).until(() -> board("GET",
                "/api/promotions", null).path("configSyncer"), l -> l.size() == 1);
        assertThat(listed.get(0).path("image").asText()).isEqualTo(image);
        assertThat(listed.get(0).path("waitingFor").toString()).contains("approval");
        assertThat(prodVersion()).as("prod waits").isEqualTo("0.0.0");
        String prodBefore = LocalRunGit.show(run, "marathon/prod/sample-app.json");

        // a person approves through the board (the operator token), naming the image they saw
        JsonNode approved = board("POST", "/api/promotions/" + LocalRun.CONFIG_REPO + "/" + LocalRun.APP_REPO + "/"
                + LocalRun.PROMOTED_ENVIRONMENT + "/approve", "{\"image\": \"" + image + "\", \"by\": \"e2e\"}");
        assertThat(approved.path("status").asText()).isEqualTo("approved");

        await("prod serves the promoted version").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> "2.0.0".equals(prodVersion()));
        assertThat(marathonImage(LocalRun.PROMOTED_ENVIRONMENT)).as("the same digest, never a rebuild")
                .isEqualTo(image);
        String prodAfter = LocalRunGit.show(run, "marathon/prod/sample-app.json");
        assertThat(prodAfter).isNotEqualTo(prodBefore).contains(image);
        assertThat(LocalRunGit.lastMessage(run)).contains("Quayside-Promoted-From: " + LocalRun.ENVIRONMENT);
        Promoted promoted = events.seen().stream().map(s -> s.event().data()).filter(Promoted.class::isInstance)
                .map(Promoted.class::cast).filter(p -> p.image().equals(image)).findFirst().orElseThrow();
        assertThat(promoted.toEnvironment()).isEqualTo(LocalRun.PROMOTED_ENVIRONMENT);
        List<ImageBuilt> built = events.seen().stream().filter(s -> s.event().type() == EventType.IMAGE_BUILT)
                .map(s -> (ImageBuilt) s.event().data()).filter(b -> image.startsWith(b.registry() + "/" + b.name()
                        + ":" + b.tag())).toList();
        assertThat(built).as("one image for the commit, whichever environments run it").hasSize(1);
    }

    @Test
    @Order(2)
    void aPersonRollsProdBackAndSuspendsAndResumesLocalEachACommitInTheConfigRepository() throws Exception {
        await("prod serves the promoted version").atMost(WAIT).until(() -> "2.0.0".equals(prodVersion()));
        String config = LocalRun.CONFIG_REPO;

        // rollback: the definition as before its last change (the promotion), a commit that the pipeline deploys
        JsonNode back = board("POST", "/api/apps/" + LocalRun.APP_REPO + "/" + LocalRun.PROMOTED_ENVIRONMENT
                + "/rollback", "{\"by\": \"e2e\", \"reason\": \"2.0.0 misbehaves in prod\"}").path("configSyncer");
        assertThat(back.path("repository").asText()).isEqualTo(config);
        String restored = back.path("toImage").asText();
        assertThat(restored).isNotBlank().isNotEqualTo(back.path("fromImage").asText());
        await("prod serves the version before").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> "0.0.0".equals(prodVersion()));
        assertThat(marathonImage(LocalRun.PROMOTED_ENVIRONMENT)).isEqualTo(restored);
        assertThat(PipelineE2ETest.git(run.configRepository(), "log", "-1", "--format=%B",
                back.path("commit").asText())).contains("Quayside-Action: rollback")
                .contains("Quayside-Requested-By: e2e").contains("2.0.0 misbehaves in prod");

        // suspend local: a push builds, but nothing is written or deployed there
        board("POST", "/api/apps/" + LocalRun.APP_REPO + "/" + LocalRun.ENVIRONMENT + "/suspend",
                "{\"by\": \"e2e\", \"reason\": \"freeze\"}");
        JsonNode suspended = await("the board lists the suspension").atMost(Duration.ofSeconds(30))
                .until(() -> board("GET", "/api/suspensions", null).path("configSyncer"), l -> l.size() == 1);
        assertThat(suspended.get(0).path("environment").asText()).isEqualTo(LocalRun.ENVIRONMENT);
        assertThat(suspended.get(0).path("reason").asText()).isEqualTo("freeze");
        PipelineWatch.Result frozen = PipelineWatch.pushAndFollow(run.stack().kafkaBootstrap(), run.frontendPort(),
                LocalRun.APP_REPO, "3.0.0", () -> run.pushSampleVersion("3.0.0"), WAIT, out);
        assertThat(frozen.live()).isFalse();
        assertThat(frozen.failure()).contains("suspended in " + LocalRun.ENVIRONMENT);
        assertThat(PipelineWatch.fetch("http://127.0.0.1:" + run.frontendPort() + "/version")).isEqualTo("2.0.0");

        // resumed: the build it followed while suspended is pinned by the resume's commit and goes live; the next too
        JsonNode resumed = board("POST", "/api/apps/" + LocalRun.APP_REPO + "/" + LocalRun.ENVIRONMENT + "/resume",
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

    /** The version {@code prod}'s route answers, or null. */
    private String prodVersion() {
        try (Socket socket = new Socket("127.0.0.1", run.frontendPort())) {
            socket.setSoTimeout(5_000);
            OutputStream request = socket.getOutputStream();
            request.write(("GET /version HTTP/1.1\r\nHost: " + LocalRun.PROD_HOST + "\r\nConnection: close\r\n\r\n")
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

    private String marathonImage(String environment) throws Exception {
        JsonNode app = EventCodec.mapper().readTree(HTTP.send(HttpRequest.newBuilder(URI.create(
                run.stack().marathonUrl() + "/v2/apps/" + environment + "/" + LocalRun.APP_REPO)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        return app.path("app").path("container").path("docker").path("image").asText();
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

    /** The config repository as the run keeps it. */
    private static final class LocalRunGit {
        static String show(LocalRun run, String file) {
            return PipelineE2ETest.git(run.configRepository(), "show", "main:" + file);
        }

        static String lastMessage(LocalRun run) {
            return PipelineE2ETest.git(run.configRepository(), "log", "-1", "--format=%B", "main");
        }
    }
}
