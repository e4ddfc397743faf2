package dev.quayside.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import dev.quayside.devstack.docker.DockerEngine;
import dev.quayside.devstack.docker.SampleApp;
import dev.quayside.devstack.launcher.ChainFollower;
import dev.quayside.devstack.launcher.LocalRun;
import dev.quayside.devstack.launcher.PipelineWatch;
import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildOutcome;
import dev.quayside.events.BuildQueued;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.EventCodec;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.EventType;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.PipelineEvent;
import dev.quayside.events.ServiceDeployed;
import dev.quayside.events.ServiceRolledBack;
import dev.quayside.events.ServiceUpgraded;
import dev.quayside.events.TagUpdated;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole pipeline: the seven packaged services as their own JVMs on the devstack (real Kafka, Docker engine,
 * registry, Git and HAProxy; Consul and Marathon stand-ins), a real bare repository whose shipped post-receive hook
 * calls git-watcher, GreenMail and a loopback webhook receiving the notifier's messages. Every assertion is on a real
 * effect: the registry, the config repo, Consul, Marathon, the catalog, HAProxy, the mailbox, the Kafka log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineE2ETest {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Duration STAGE_TIMEOUT = Duration.ofMinutes(4);
    /** marathon-applier's drift check interval in this run (60 s by default). */
    static final Duration DRIFT_INTERVAL = Duration.ofSeconds(5);

    Path home;

    LocalRun run;
    ChainFollower log;
    GreenMail mail;
    HttpServer webhook;
    final List<String> webhookBodies = new CopyOnWriteArrayList<>();
    final PrintStream out = System.out;
    String liveVersion;

    @BeforeAll
    void startThePipeline() throws Exception {
        DockerEngine.requireRunning();
        home = Files.createTempDirectory("quayside-e2e-");
        mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        mail.start();
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/hook", exchange -> {
            webhookBodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        webhook.start();
        Map<String, String> notifier = Map.of(
                "notifier:quarkus.mailer.host", "127.0.0.1",
                "notifier:quarkus.mailer.port", String.valueOf(mail.getSmtp().getPort()),
                "notifier:quarkus.mailer.start-tls", "DISABLED",
                "notifier:quayside.notifier.channels.ops-mail.type", "email",
                "notifier:quayside.notifier.channels.ops-mail.to", "ops@example.org",
                "notifier:quayside.notifier.channels.ops-hook.type", "webhook",
                "notifier:quayside.notifier.channels.ops-hook.url", "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook",
                "notifier:quayside.notifier.channels.ops-hook.secret", "e2e-secret",
                "notifier:quayside.notifier.rules.everything.types",
                "build-finished,service-deployed,service-upgraded,deployment-failed,service-rolled-back",
                "notifier:quayside.notifier.rules.everything.channels", "ops-mail,ops-hook");
        Map<String, String> properties = new java.util.HashMap<>(notifier);
        properties.put("marathon-applier:quayside.marathon-applier.drift-interval", DRIFT_INTERVAL.toSeconds() + "s");
        Path root = Path.of(System.getProperty("quayside.root", "..")).toAbsolutePath().normalize();
        run = LocalRun.start(new LocalRun.Options(root, home, false, 0, properties, Duration.ofSeconds(20)));
        run.createRepositories();
        run.startServices();
        run.installHooks();
        log = new ChainFollower(run.stack().kafkaBootstrap(), true);
    }

    @AfterAll
    void stopThePipeline() throws InterruptedException {
        if (log != null) {
            log.close();
        }
        try {
            if (run != null) {
                out.println(run.logTails(5));
                StoppedRun.stopAndCheck(run, home, Map.of("the webhook secret", run.webhookSecret(),
                        "the operator token", run.operatorToken(), "the notifier's webhook secret", "e2e-secret"));
            }
        } finally {
            if (webhook != null) {
                webhook.stop(0);
            }
            if (mail != null) {
                mail.stop();
            }
        }
    }

    @Test
    @Order(1)
    void aPushBecomesAnImageAConfigCommitKeysAnAppARegistrationAndALiveRoute() throws Exception {
        PipelineWatch.Result result = PipelineWatch.pushAndFollow(run.stack().kafkaBootstrap(), run.frontendPort(),
                LocalRun.APP_REPO, "2.0.0", () -> run.pushSampleVersion("2.0.0"), STAGE_TIMEOUT, out);
        assertThat(result.live()).as(result.failure()).isTrue();
        liveVersion = "2.0.0";
        out.printf("commit to live: %d ms%n", result.elapsed().toMillis());

        String commit = git(run.appRepository(), "rev-parse", "main").trim();
        EventEnvelope<?> pushed = chainStart(commit);
        List<EventEnvelope<?>> chain = chain(pushed.id());
        ImageBuilt image = only(chain, ImageBuilt.class);

        // the registry has the image by the digest the event announced, with the commit's revision label
        assertThat(run.stack().registry().digest(image.name(), image.tag())).contains(image.digest());
        var inspected = DockerEngine.client().inspectImageCmd(image.registry() + "/" + image.name() + ":" + image.tag()).exec();
        assertThat(inspected.getConfig().getLabels()).containsEntry("org.opencontainers.image.revision", commit);

        // the config repo pins the digest, in a commit with Quayside's trailers
        String definition = git(run.configRepository(), "show", "main:marathon/local/sample-app.json");
        assertThat(definition).contains(image.pinnedReference());
        assertThat(git(run.configRepository(), "log", "-1", "--format=%B", "main"))
                .contains("Quayside-Source: " + LocalRun.APP_REPO + "@" + commit);

        // Consul KV mirrors it, Marathon runs it, registrator registered it, HAProxy serves it
        assertThat(get(run.stack().consulUrl() + "/v1/kv/quayside/config/deploy-config/main/marathon/local/sample-app.json?raw"))
                .contains(image.pinnedReference());
        JsonNode app = json(run.stack().marathonUrl() + "/v2/apps/local/sample-app").path("app");
        assertThat(app.path("container").path("docker").path("image").asText()).isEqualTo(image.pinnedReference());
        assertThat(app.path("tasksHealthy").asInt()).isGreaterThanOrEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                json(run.stack().consulUrl() + "/v1/health/service/sample-app?passing")).isNotEmpty());
        assertThat(PipelineWatch.fetch("http://127.0.0.1:" + run.frontendPort() + "/version")).isEqualTo("2.0.0");

        // every event of the chain carries the push's chain id, in causal order of their timestamps
        // (image-builder announces the image, then the build's end: both follow the build's start)
        List<EventType> order = List.of(EventType.COMMIT_PUSHED, EventType.BUILD_QUEUED, EventType.BUILD_STARTED,
                EventType.IMAGE_BUILT, EventType.TAG_UPDATED, EventType.CONFIG_SYNCED);
        List<java.time.Instant> times = new ArrayList<>();
        for (EventType type : order) {
            EventEnvelope<?> event = chain.stream().filter(e -> e.type() == type).findFirst()
                    .orElseThrow(() -> new AssertionError(type + " missing from the chain: " + types(chain)));
            times.add(event.context().timestamp());
        }
        EventEnvelope<?> deployed = chain.stream().filter(e -> e.data() instanceof ServiceDeployed
                || e.data() instanceof ServiceUpgraded).findFirst().orElseThrow();
        times.add(deployed.context().timestamp());
        assertThat(times).isSorted();
        EventEnvelope<?> started = chain.stream().filter(e -> e.type() == EventType.BUILD_STARTED).findFirst().orElseThrow();
        EventEnvelope<?> finished = chain.stream().filter(e -> e.type() == EventType.BUILD_FINISHED).findFirst().orElseThrow();
        assertThat(finished.context().timestamp()).isAfterOrEqualTo(started.context().timestamp());
        assertThat(((BuildFinished) finished.data()).outcome()).isEqualTo(BuildOutcome.SUCCESS);

        // W3C trace context travels with every event of the chain (traceparent headers)
        List<ChainFollower.Seen> traced = log.seen().stream().filter(x -> pushed.id().equals(x.event().chainId())).toList();
        traced.forEach(x -> out.printf("trace %s %s%n", x.traceId(), x.event().type()));
        assertThat(traced).allSatisfy(x -> assertThat(x.traceparent()).as(x.event().type() + " traceparent")
                .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]"));
        // ... and it is one trace, from the push to the deployment, across four services
        assertThat(traced.stream().map(ChainFollower.Seen::traceId).distinct()).as("trace ids of the chain").hasSize(1);

        // the notifier told the team: a signed webhook and an e-mail about the deployment
        awaitWebhookAbout(deployed);
        await().atMost(Duration.ofSeconds(60)).until(() -> mail.getReceivedMessages().length > 0);
        assertThat(mail.getReceivedMessages()[0].getAllRecipients()[0].toString()).isEqualTo("ops@example.org");
    }

    @Test
    @Order(2)
    void aHumanScalingTheAppInTheConfigRepoIsAppliedWithoutABuild() throws Exception {
        String commit = editConfig("marathon/local/sample-app.json", text -> text.replace("\"instances\": 1",
                "\"instances\": 2"), "Scale the sample app to 2");
        EventEnvelope<?> pushed = chainStart(commit);
        ServiceUpgraded upgraded = awaitInChain(pushed.id(), ServiceUpgraded.class);
        assertThat(upgraded.unchanged()).isFalse();
        assertThat(json(run.stack().marathonUrl() + "/v2/apps/local/sample-app").path("app").path("instances").asInt())
                .isEqualTo(2);
        assertThat(chain(pushed.id())).noneMatch(e -> e.data() instanceof BuildQueued);
    }

    @Test
    @Order(3)
    void anInvalidDefinitionIsNeverSentToMarathonAndIsNotified() throws Exception {
        String commit = editConfigFile("marathon/local/broken.json",
                "{\n  \"id\": \"/local/Broken_App\",\n  \"cmd\": \"sleep 1\",\n  \"args\": [\"sleep\", \"1\"]\n}\n",
                "Add a broken definition");
        EventEnvelope<?> pushed = chainStart(commit);
        EventEnvelope<?> event = awaitEventInChain(pushed.id(), DeploymentFailed.class);
        DeploymentFailed failed = (DeploymentFailed) event.data();
        assertThat(failed.reason()).isEqualTo(DeploymentFailed.Reason.INVALID);
        assertThat(failed.file()).isEqualTo("marathon/local/broken.json");
        assertThat(status(run.stack().marathonUrl() + "/v2/apps/local/Broken_App")).isEqualTo(404);
        awaitWebhookAbout(event);
    }

    @Test
    @Order(4)
    void aHealthCheckThatNeverPassesIsRolledBackWrittenBackAndTheOldVersionKeepsServing() throws Exception {
        String file = "marathon/local/sample-app.json";
        String commit = editConfig(file,
                text -> text.replace("\"path\": \"/health\"", "\"path\": \"/never-healthy\""), "Break the health check");
        EventEnvelope<?> pushed = chainStart(commit);
        DeploymentFailed failed = awaitInChain(pushed.id(), DeploymentFailed.class);
        assertThat(failed.reason()).isEqualTo(DeploymentFailed.Reason.HEALTH_CHECK);
        EventEnvelope<?> rolledBack = awaitEventInChain(pushed.id(), ServiceRolledBack.class);
        assertThat(PipelineWatch.fetch("http://127.0.0.1:" + run.frontendPort() + "/version")).isEqualTo(liveVersion);
        awaitWebhookAbout(rolledBack);

        // Git is what runs (issue #21): the rollback is a commit that restores the definition that ran before ...
        TagUpdated written = awaitInChain(pushed.id(), TagUpdated.class);
        assertThat(written.outcome()).as(written.reason()).isEqualTo(TagUpdated.Outcome.UPDATED);
        String restored = git(run.configRepository(), "show", "main:" + file);
        assertThat(restored).isEqualTo(git(run.configRepository(), "show", commit + "~1:" + file));
        assertThat(git(run.configRepository(), "log", "-1", "--format=%B", "main")).contains("Quayside-Rollback-Of");
        // ... Consul KV mirrors it ...
        String key = run.stack().consulUrl() + "/v1/kv/quayside/config/deploy-config/main/" + file + "?raw";
        await().atMost(Duration.ofSeconds(60)).alias("KV holds the restored definition")
                .until(() -> get(key).equals(restored));
        // ... and the drift check, every DRIFT_INTERVAL here, finds nothing to report over three passes
        java.time.Instant since = java.time.Instant.now();
        Thread.sleep(DRIFT_INTERVAL.multipliedBy(3).plusSeconds(2).toMillis());
        assertThat(log.seen().stream().map(ChainFollower.Seen::event)
                .filter(e -> e.context().timestamp().isAfter(since)).map(EventEnvelope::data)
                .filter(d -> d instanceof DeploymentFailed f && f.reason() == DeploymentFailed.Reason.DRIFT
                        && "/local/sample-app".equals(f.deployment().targetId())).toList())
                .as("drift reports about the sample app after the write-back").isEmpty();
        assertThat(PipelineWatch.fetch("http://127.0.0.1:" + run.frontendPort() + "/version")).isEqualTo(liveVersion);
    }

    @Test
    @Order(5)
    void aFailingDockerfileIsAFailedBuildNothingIsDeployedAndTheTeamIsTold() throws Exception {
        Path work = run.appWorkTree();
        Files.writeString(work.resolve("Dockerfile"), Files.readString(work.resolve("Dockerfile"))
                .replace("COPY www /www", "COPY www /www\nRUN /bin/busybox false"));
        SampleApp.setVersion(work, "3.0.0");
        String commit = SampleApp.commitAndPush(work, "A build step that fails");
        EventEnvelope<?> pushed = chainStart(commit);
        EventEnvelope<?> event = awaitEventInChain(pushed.id(), BuildFinished.class);
        BuildFinished finished = (BuildFinished) event.data();
        assertThat(finished.outcome()).isEqualTo(BuildOutcome.FAILURE);
        assertThat(finished.logTail()).isNotEmpty();
        awaitWebhookAbout(event);
        assertThat(chain(pushed.id())).noneMatch(e -> e.data() instanceof ImageBuilt || e.data() instanceof TagUpdated);
        assertThat(PipelineWatch.fetch("http://127.0.0.1:" + run.frontendPort() + "/version")).isEqualTo(liveVersion);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    /** The CommitPushed event of {@code commit}, once git-watcher published it. */
    EventEnvelope<?> chainStart(String commit) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> {
            log.poll(Duration.ofMillis(200), seen -> { });
            return log.seen().stream().map(ChainFollower.Seen::event)
                    .filter(e -> e.data() instanceof CommitPushed c && c.after().equals(commit)).findFirst();
        }, Optional::isPresent).orElseThrow();
    }

    List<EventEnvelope<?>> chain(String chainId) {
        log.poll(Duration.ofMillis(200), seen -> { });
        List<EventEnvelope<?>> chain = new ArrayList<>();
        log.seen().forEach(s -> {
            if (chainId.equals(s.event().chainId())) {
                chain.add(s.event());
            }
        });
        return chain;
    }

    <T extends PipelineEvent> T awaitInChain(String chainId, Class<T> type) {
        return type.cast(awaitEventInChain(chainId, type).data());
    }

    EventEnvelope<?> awaitEventInChain(String chainId, Class<? extends PipelineEvent> type) {
        return await().atMost(STAGE_TIMEOUT).alias(type.getSimpleName() + " in chain " + chainId)
                .until(() -> chain(chainId).stream().filter(e -> type.isInstance(e.data())).findFirst(),
                        Optional::isPresent).orElseThrow();
    }

    /** The notifier's signed webhook carried a message about {@code event} (its id is the message id). */
    void awaitWebhookAbout(EventEnvelope<?> event) {
        await().atMost(Duration.ofSeconds(60))
                .alias("a webhook message with id " + event.id() + " (" + event.type() + "); got " + webhookBodies)
                .until(() -> webhookBodies.stream().anyMatch(b -> b.contains("\"id\":\"" + event.id() + "\"")));
    }

    static <T extends PipelineEvent> T only(List<EventEnvelope<?>> chain, Class<T> type) {
        return chain.stream().map(EventEnvelope::data).filter(type::isInstance).map(type::cast).findFirst()
                .orElseThrow(() -> new AssertionError(type.getSimpleName() + " missing from " + types(chain)));
    }

    static List<EventType> types(List<EventEnvelope<?>> chain) {
        return chain.stream().map(EventEnvelope::type).toList();
    }

    String editConfig(String file, java.util.function.UnaryOperator<String> edit, String message) throws Exception {
        Path work = run.configWorkTree();
        SampleApp.git(work, "pull", "-q", "--rebase", "origin", "main");
        Path path = work.resolve(file);
        String before = Files.readString(path);
        String after = edit.apply(before);
        assertThat(after).as("the edit changes " + file).isNotEqualTo(before);
        Files.writeString(path, after);
        return SampleApp.commitAndPush(work, message);
    }

    String editConfigFile(String file, String content, String message) throws Exception {
        Path work = run.configWorkTree();
        SampleApp.git(work, "pull", "-q", "--rebase", "origin", "main");
        Files.createDirectories(work.resolve(file).getParent());
        Files.writeString(work.resolve(file), content);
        return SampleApp.commitAndPush(work, message);
    }

    static String git(Path bare, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "--git-dir=" + bare;
        System.arraycopy(args, 0, all, 1, args.length);
        return SampleApp.git(null, all);
    }

    static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    static int status(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static JsonNode json(String url) throws Exception {
        return EventCodec.mapper().readTree(get(url));
    }
}
