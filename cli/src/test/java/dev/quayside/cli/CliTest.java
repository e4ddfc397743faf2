package dev.quayside.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quayside.board.testing.LoopbackConfigSyncer;
import dev.quayside.board.testing.LoopbackGitWatcher;
import dev.quayside.board.testing.PipelineScript;
import dev.quayside.devstack.common.FreePorts;
import dev.quayside.devstack.kafka.KafkaBroker;
import dev.quayside.devstack.launcher.ServiceProcess;
import dev.quayside.events.BuildOutcome;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every verb of the CLI against the packaged board running as its own JVM, fed with real events on the real broker:
 * the text, the JSON and the exit codes. Most runs are in this JVM ({@link QuaysideCli#run}); {@code events --follow}
 * runs through {@code bin/quayside-cli} as its own process, class-data archive and all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String TOKEN = "cli-test-token";

    Path root;
    ServiceProcess board;
    LoopbackGitWatcher gitWatcher;
    LoopbackConfigSyncer configSyncer;
    PipelineScript script;

    /** One run of the CLI. */
    record Run(int exit, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + out, e);
            }
        }

        List<JsonNode> jsonLines() {
            List<JsonNode> lines = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (!line.isBlank()) {
                    try {
                        lines.add(JSON.readTree(line));
                    } catch (IOException e) {
                        throw new AssertionError("not a JSON line: " + line, e);
                    }
                }
            }
            return lines;
        }
    }

    @BeforeAll
    void start() throws Exception {
        root = Path.of(System.getProperty("quayside.root", "..")).toAbsolutePath().normalize();
        String bootstrap = KafkaBroker.sharedBootstrapServers();
        gitWatcher = LoopbackGitWatcher.start();
        configSyncer = LoopbackConfigSyncer.start();
        board = ServiceProcess.start(root, "board", FreePorts.pick(), Map.of(
                "kafka.bootstrap.servers", bootstrap,
                "quayside.board.group-id", "cli-test",
                "quayside.board.marathon.poll-interval", "off",
                "quayside.board.git-watcher.url", gitWatcher.url(),
                "quayside.board.config-syncer.url", configSyncer.url(),
                "quayside.operator.token", TOKEN), Files.createTempDirectory("quayside-cli-test-"));
        board.awaitReady(Duration.ofSeconds(90));
        script = new PipelineScript(bootstrap);
    }

    @AfterAll
    void stop() {
        if (script != null) {
            script.close();
        }
        if (board != null) {
            board.close();
        }
        if (gitWatcher != null) {
            gitWatcher.close();
        }
        if (configSyncer != null) {
            configSyncer.close();
        }
    }

    Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("--board=" + board.url());
        int exit = QuaysideCli.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(exit, out.toString(), err.toString());
    }

    CompletableFuture<Run> runInBackground(String... args) {
        return CompletableFuture.supplyAsync(() -> run(args));
    }

    @Test
    void statusShowsEveryAppInEveryEnvironment() {
        PipelineScript.Chain chain = script.chain(PipelineScript.unique("shop")).all("dev", "prod");
        await().atMost(WAIT).until(() -> run("status").out().contains(chain.app));
        Run text = run("status");
        assertThat(text.exit()).isZero();
        String header = text.out().lines().findFirst().orElseThrow();
        assertThat(header).startsWith("APP").contains("DEV").contains("PROD");
        String row = text.out().lines().filter(l -> l.startsWith(chain.app + " ")).findFirst().orElseThrow();
        assertThat(row).contains("running " + chain.commit.substring(0, 7));
        // aligned: every cell of the DEV column starts where its header does
        assertThat(row.indexOf("running")).isEqualTo(header.indexOf("DEV"));
        assertThat(text.out()).as("no colour when the output is not a terminal").doesNotContain("\u001B[");
        assertThat(run("status", "--color=always").out()).contains("\u001B[32mrunning\u001B[0m");

        Run json = run("status", "--json");
        assertThat(json.exit()).isZero();
        JsonNode app = null;
        for (JsonNode a : json.json().path("apps")) {
            if (a.path("app").asText().equals(chain.app)) {
                app = a;
            }
        }
        assertThat(app).isNotNull();
        assertThat(app.path("environments").path("prod").path("image").asText()).isEqualTo(chain.pinnedImage());
    }

    @Test
    void historyListsAnAppsDeploymentsNewestFirst() {
        String name = PipelineScript.unique("api");
        PipelineScript.Chain first = script.chain(name).all("dev");
        PipelineScript.Chain second = script.chain(name);
        second.push().queued().started().finished(BuildOutcome.SUCCESS, null).imageBuilt().tagUpdated("dev")
                .configSynced("dev").deploymentFailed("dev", "0 of 2 task(s) healthy");
        await().atMost(WAIT).until(() -> run("history", name, "--json").out().contains("\"failed\""));

        Run text = run("history", name, "--env", "dev");
        assertThat(text.exit()).isZero();
        List<String> lines = text.out().lines().toList();
        assertThat(lines.get(0)).startsWith("WHEN").contains("ENV", "WHAT", "COMMIT", "REASON");
        assertThat(lines.get(1)).contains("failed", second.commit.substring(0, 7), "HEALTH_CHECK: 0 of 2 task(s) healthy");
        assertThat(lines.get(2)).contains("deployed", first.commit.substring(0, 7)).containsPattern("\\d+(\\.\\d)? m?s");
        JsonNode json = run("history", name, "--json", "--limit", "1").json();
        assertThat(json).hasSize(1);
        assertThat(json.get(0).path("commit").asText()).isEqualTo(second.commit);

        Run unknownApp = run("history", "no-such-app");
        assertThat(unknownApp.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(unknownApp.err()).contains("no deployment of app 'no-such-app' was seen");
        assertThat(run("history", name, "--env", "qa").exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(run("history", name, "--limit", "0").exit()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void followPrintsEachStageAsItHappensAndExitsZeroWhenLive() throws Exception {
        PipelineScript.Chain chain = script.chain(PipelineScript.unique("web"));
        // started before the push, as a CI job does right after pushing
        CompletableFuture<Run> follow = runInBackground("follow", chain.app + "@" + chain.commit.substring(0, 9),
                "--timeout", "60s");
        CompletableFuture<Run> json = runInBackground("follow", chain.app + "@" + chain.commit, "--json",
                "--timeout", "60s");
        Thread.sleep(1500);
        chain.push().queued().started();
        Thread.sleep(300);
        chain.finished(BuildOutcome.SUCCESS, null).imageBuilt().tagUpdated("dev").configSynced("dev").deployed("dev");

        Run text = follow.get(60, TimeUnit.SECONDS);
        assertThat(text.exit()).as(text.err()).isZero();
        List<String> lines = text.out().lines().toList();
        assertThat(lines.get(0)).startsWith("following " + chain.app + "@" + chain.commit.substring(0, 7));
        assertThat(stagesIn(lines)).containsSubsequence("pushed", "build …", "build", "image", "config commit",
                "Consul sync", "deploy dev");
        assertThat(lines.get(lines.size() - 1)).startsWith("live: " + chain.app + "@" + chain.commit.substring(0, 7) + " in ");

        Run machine = json.get(60, TimeUnit.SECONDS);
        assertThat(machine.exit()).isZero();
        List<JsonNode> events = machine.jsonLines();
        JsonNode end = events.get(events.size() - 1);
        assertThat(end.path("result").asText()).isEqualTo("succeeded");
        assertThat(end.path("exitCode").asInt()).isZero();
        assertThat(end.path("chain").path("status").asText()).isEqualTo("live");
        assertThat(events.subList(0, events.size() - 1)).allSatisfy(e ->
                assertThat(e.path("chainId").asText()).isEqualTo(chain.id()));

        // a chain that already ended: followed by its id, at once
        Run again = run("follow", chain.id());
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("deploy dev");
    }

    @Test
    void followExitsWithTheFailureTheSupersedingOrTheTimeout() throws Exception {
        PipelineScript.Chain failing = script.chain(PipelineScript.unique("pay"));
        CompletableFuture<Run> follow = runInBackground("follow", failing.app + "@" + failing.commit, "--timeout", "60s");
        Thread.sleep(1000);
        failing.push().queued().started().finished(BuildOutcome.FAILURE, "Step 2/2 : COPY failed");
        Run failed = follow.get(60, TimeUnit.SECONDS);
        assertThat(failed.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(failed.out()).contains("failed: " + failing.app + "@" + failing.commit.substring(0, 7)
                + ": build failure: Step 2/2 : COPY failed");

        PipelineScript.Chain old = script.chain(PipelineScript.unique("pay"));
        old.push().queued().finished(BuildOutcome.SUPERSEDED, "a newer commit of main is being built");
        Run superseded = run("follow", old.app + "@" + old.commit, "--timeout", "60s");
        assertThat(superseded.exit()).isEqualTo(ExitCodes.SUPERSEDED);
        assertThat(superseded.out()).contains("superseded: ").contains("a newer commit of main is being built");

        Run never = run("follow", "nobody@" + PipelineScript.sha(), "--timeout", "2s");
        assertThat(never.exit()).isEqualTo(ExitCodes.TIMED_OUT);
        assertThat(never.out()).contains("timed out: no chain of nobody@").contains("appeared within 2 s");
        assertThat(run("follow", "nobody@xyz").exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("follow", "no-such-chain").exit()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void logsPrintsABuildsLogAndFollowsItWhileItRuns() throws Exception {
        PipelineScript.Chain chain = script.chain(PipelineScript.unique("logs"));
        chain.push().queued().started().log("Step 1/2 : FROM scratch");
        await().atMost(WAIT).until(() -> run("logs", chain.buildId).exit() == 0);
        CompletableFuture<Run> follow = runInBackground("logs", chain.buildId, "-f");
        CompletableFuture<Run> followJson = runInBackground("logs", chain.app + "@" + chain.commit, "-f", "--json");
        Thread.sleep(1500);
        chain.log("Step 2/2 : COPY busybox /bin/busybox", "Successfully built 3f2a1c0b9d8e");
        Thread.sleep(300);
        chain.finished(BuildOutcome.SUCCESS, null);

        Run text = follow.get(60, TimeUnit.SECONDS);
        assertThat(text.exit()).isZero();
        assertThat(text.out()).isEqualTo("Step 1/2 : FROM scratch\nStep 2/2 : COPY busybox /bin/busybox\n"
                + "Successfully built 3f2a1c0b9d8e\n");
        List<JsonNode> lines = followJson.get(60, TimeUnit.SECONDS).jsonLines();
        assertThat(lines).extracting(l -> l.path("number").asLong()).containsExactly(1L, 2L, 3L);

        Run whole = run("logs", chain.buildId);
        assertThat(whole.out()).isEqualTo(text.out());
        assertThat(run("logs", chain.buildId, "--json").json().path("finished").asBoolean()).isTrue();
        Run unknown = run("logs", "no-such-build");
        assertThat(unknown.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(unknown.err()).contains("no log of build no-such-build");
    }

    @Test
    void syncNeedsTheOperatorTokenAndReachesGitWatcher() {
        gitWatcher.requests().clear();
        Run none = run("sync", LoopbackGitWatcher.WATCHED);
        assertThat(none.exit()).isEqualTo(ExitCodes.UNAUTHORIZED);
        assertThat(none.err()).contains("--token or QUAYSIDE_OPERATOR_TOKEN");
        Run wrong = run("sync", LoopbackGitWatcher.WATCHED, "--token", "guess");
        assertThat(wrong.exit()).isEqualTo(ExitCodes.UNAUTHORIZED);
        assertThat(wrong.err()).contains("the board refused the operator token");
        assertThat(gitWatcher.requests()).isEmpty();

        Run ok = run("sync", LoopbackGitWatcher.WATCHED, "--token", TOKEN);
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).isEqualTo("synced: " + LoopbackGitWatcher.WATCHED + " (main 0fb1cc4)\n");
        assertThat(gitWatcher.requests()).extracting(LoopbackGitWatcher.Request::authorization)
                .containsExactly("Bearer " + TOKEN);
        assertThat(run("sync", LoopbackGitWatcher.WATCHED, "--token", TOKEN, "--json").json().path("status").asText())
                .isEqualTo("synced");
        Run unknown = run("sync", "unknown-repo", "--token", TOKEN);
        assertThat(unknown.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(unknown.err()).contains("git-watcher does not watch repository 'unknown-repo'");
    }

    @Test
    void promotionsAreListedAndApprovedOrRejectedForTheImageShown() throws Exception {
        Run list = run("promotions");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out().lines().findFirst().orElseThrow()).startsWith("APP").contains("FROM → TO")
                .contains("WAITING FOR");
        assertThat(list.out()).contains("web  staging → prod  web:0fb1cc4f4e20  approval");
        assertThat(run("promotions", "--json").json().get(0).path("image").asText()).isEqualTo(LoopbackConfigSyncer.IMAGE);

        configSyncer.requests().clear();
        Run none = run("approve", "web", "prod");
        assertThat(none.exit()).isEqualTo(ExitCodes.UNAUTHORIZED);
        assertThat(none.err()).contains("approve needs the operator token");
        assertThat(configSyncer.requests()).as("only the list was read").allMatch(r -> r.method().equals("GET"));

        configSyncer.requests().clear();
        Run approved = run("approve", "web", "prod", "--token", TOKEN);
        assertThat(approved.exit()).as(approved.err()).isZero();
        assertThat(approved.out()).isEqualTo("approved: web web:0fb1cc4f4e20 into prod (deploy-config)\n");
        LoopbackConfigSyncer.Request decision = configSyncer.requests().get(configSyncer.requests().size() - 1);
        assertThat(decision.path()).isEqualTo("/api/promotions/deploy-config/web/prod/approve");
        assertThat(decision.authorization()).isEqualTo("Bearer " + TOKEN);
        assertThat(JSON.readTree(decision.body()).path("image").asText())
                .as("the approval names the image the CLI saw waiting").isEqualTo(LoopbackConfigSyncer.IMAGE);

        Run asOption = run("approve", "web", "--env", "prod", "--token", TOKEN);
        assertThat(asOption.exit()).as(asOption.err()).isZero();
        Run noEnv = run("approve", "web", "--token", TOKEN);
        assertThat(noEnv.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(noEnv.err()).contains("approve needs the environment");

        Run stale = run("approve", "web", "prod", "--image", "127.0.0.1:5000/web:older", "--token", TOKEN);
        assertThat(stale.exit()).isEqualTo(ExitCodes.CONFLICT);
        assertThat(stale.err()).contains("the promotion waiting is for " + LoopbackConfigSyncer.IMAGE);

        Run rejected = run("reject", "web", "prod", "--reason", "smoke test failed", "--token", TOKEN);
        assertThat(rejected.exit()).as(rejected.err()).isZero();
        assertThat(rejected.out()).startsWith("rejected: web");
        decision = configSyncer.requests().get(configSyncer.requests().size() - 1);
        assertThat(decision.path()).endsWith("/web/prod/reject");
        assertThat(JSON.readTree(decision.body()).path("reason").asText()).isEqualTo("smoke test failed");

        Run nothing = run("approve", "api", "prod", "--token", TOKEN);
        assertThat(nothing.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(nothing.err()).contains("no promotion of api into prod is waiting");
    }

    @Test
    void suspendResumeAndRollbackAreAskedOfConfigSyncerAndStatusMarksTheSuspendedCell() throws Exception {
        PipelineScript.Chain chain = script.chain(PipelineScript.unique("steer")).all("dev", "prod");
        String app = chain.app;
        String commit = chain.commit.substring(0, 7);
        await().atMost(WAIT).until(() -> run("status").out().contains(app));
        String user = System.getenv("USER");

        configSyncer.requests().clear();
        Run none = run("suspend", app, "prod");
        assertThat(none.exit()).isEqualTo(ExitCodes.UNAUTHORIZED);
        assertThat(none.err()).contains("suspend needs the operator token");
        Run wrong = run("rollback", app, "prod", "--token", "guess");
        assertThat(wrong.exit()).isEqualTo(ExitCodes.UNAUTHORIZED);
        assertThat(configSyncer.requests()).as("nothing reached config-syncer").isEmpty();

        Run suspended = run("suspend", app, "prod", "--reason", "incident 42", "--token", TOKEN);
        assertThat(suspended.exit()).as(suspended.err()).isZero();
        assertThat(suspended.out()).matches("suspended: " + app + " in prod \\(deploy-config, commit 5e1f[0-9a-f]{3}\\)\n");
        LoopbackConfigSyncer.Request asked = lastRequest();
        assertThat(asked.method()).isEqualTo("POST");
        assertThat(asked.path()).isEqualTo("/api/apps/" + app + "/prod/suspend");
        assertThat(asked.authorization()).isEqualTo("Bearer " + TOKEN);
        JsonNode body = JSON.readTree(asked.body());
        assertThat(body.path("reason").asText()).isEqualTo("incident 42");
        assertThat(body.has("repository")).as("no --repo: config-syncer finds it").isFalse();
        if (user != null && !user.isBlank()) {
            assertThat(body.path("by").asText()).isEqualTo(user + " (quayside CLI)");
        }

        Run status = run("status");
        String row = status.out().lines().filter(l -> l.startsWith(app + " ")).findFirst().orElseThrow();
        assertThat(row).contains("running " + commit).contains("running suspended " + commit);
        assertThat(row.indexOf("suspended")).as("the prod cell is marked, the dev cell is not")
                .isGreaterThan(row.indexOf("running " + commit)).isEqualTo(row.lastIndexOf("suspended"));
        JsonNode statusJson = run("status", "--json").json();
        assertThat(statusJson.path("suspensions").findValuesAsText("app")).contains(app,
                LoopbackConfigSyncer.SUSPENDED_IN_YML);

        Run again = run("suspend", app, "--env", "prod", "--token", TOKEN);
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).isEqualTo("suspended: " + app + " in prod (deploy-config, already suspended: nothing"
                + " written)\n");
        Run whileSuspended = run("rollback", app, "prod", "--token", TOKEN);
        assertThat(whileSuspended.exit()).isEqualTo(ExitCodes.CONFLICT);
        assertThat(whileSuspended.err()).contains("resume it first");

        Run resumed = run("resume", app, "prod", "--token", TOKEN, "--json");
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.json().path("status").asText()).isEqualTo("resumed");
        assertThat(resumed.json().path("configSyncer").path("action").asText()).isEqualTo("resume");
        assertThat(lastRequest().path()).isEqualTo("/api/apps/" + app + "/prod/resume");
        assertThat(run("status").out()).as("resumed: no mark").doesNotContain("running suspended");
        Run notSuspended = run("resume", app, "prod", "--token", TOKEN);
        assertThat(notSuspended.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(notSuspended.err()).contains(app + " is not suspended in prod");
        Run inYml = run("resume", LoopbackConfigSyncer.SUSPENDED_IN_YML, "prod", "--token", TOKEN);
        assertThat(inYml.exit()).isEqualTo(ExitCodes.CONFLICT);
        assertThat(inYml.err()).contains("edit quayside.yml");

        Run rolledBack = run("rollback", app, "prod", "--reason", "bad release", "--token", TOKEN);
        assertThat(rolledBack.exit()).as(rolledBack.err()).isZero();
        assertThat(rolledBack.out()).matches("rolled back: " + app + " in prod to " + app + ":"
                + LoopbackConfigSyncer.PREVIOUS_TAG + " \\(deploy-config, commit 5e1f[0-9a-f]{3}\\)\n");
        body = JSON.readTree(lastRequest().body());
        assertThat(body.has("to")).as("no --to: the version before the last change").isFalse();
        assertThat(body.path("reason").asText()).isEqualTo("bad release");
        Run toCommit = run("rollback", app, "prod", "--to", "1a2b3c4", "--token", TOKEN, "--json");
        assertThat(toCommit.exit()).as(toCommit.err()).isZero();
        assertThat(toCommit.json().path("status").asText()).isEqualTo("rolled-back");
        assertThat(toCommit.json().path("configSyncer").path("restoredFrom").asText()).isEqualTo("1a2b3c4");
        assertThat(JSON.readTree(lastRequest().body()).path("to").asText()).isEqualTo("1a2b3c4");
        Run noSuchVersion = run("rollback", app, "prod", "--to", LoopbackConfigSyncer.NO_SUCH_VERSION, "--token", TOKEN);
        assertThat(noSuchVersion.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(noSuchVersion.err()).contains("no earlier version of " + app + " in prod matches");
        Run atThatVersion = run("rollback", app, "prod", "--to", LoopbackConfigSyncer.CURRENT_TAG, "--token", TOKEN);
        assertThat(atThatVersion.exit()).isEqualTo(ExitCodes.CONFLICT);

        Run ambiguous = run("rollback", LoopbackConfigSyncer.SHARED, "prod", "--token", TOKEN);
        assertThat(ambiguous.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(ambiguous.err()).contains("several config repositories");
        Run named = run("suspend", LoopbackConfigSyncer.SHARED, "prod", "--repo", LoopbackConfigSyncer.OTHER_REPOSITORY,
                "--token", TOKEN);
        assertThat(named.exit()).as(named.err()).isZero();
        assertThat(named.out()).startsWith("suspended: shared in prod (" + LoopbackConfigSyncer.OTHER_REPOSITORY + ", ");
        assertThat(JSON.readTree(lastRequest().body()).path("repository").asText())
                .isEqualTo(LoopbackConfigSyncer.OTHER_REPOSITORY);
        Run undefined = run("suspend", LoopbackConfigSyncer.UNDEFINED + "-app", "prod", "--token", TOKEN);
        assertThat(undefined.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(undefined.err()).contains("no definition of");

        int asks = configSyncer.requests().size();
        Run noEnv = run("suspend", app, "--token", TOKEN);
        assertThat(noEnv.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(noEnv.err()).contains("suspend needs the environment");
        Run twoEnvs = run("rollback", app, "prod", "--env", "dev", "--token", TOKEN);
        assertThat(twoEnvs.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(twoEnvs.err()).contains("two environments: prod and --env dev");
        assertThat(configSyncer.requests()).as("a usage error asks nothing").hasSize(asks);
    }

    @Test
    void statusStillWorksWhenTheSuspensionsCannotBeRead() throws Exception {
        // a board whose config-syncer is away: /api/apps answers, /api/suspensions does not (503, as the board says it)
        String apps = "{\"environments\":[\"prod\"],\"apps\":[{\"app\":\"web\",\"environments\":{\"prod\":"
                + "{\"app\":\"web\",\"environment\":\"prod\",\"status\":\"running\",\"commit\":\"0fb1cc4f4e20\"}}}]}";
        com.sun.net.httpserver.HttpServer stand = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        stand.createContext("/", exchange -> {
            boolean list = exchange.getRequestURI().getPath().equals("/api/apps");
            byte[] bytes = (list ? apps : "{\"error\":\"config-syncer did not answer\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(list ? 200 : 503, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        stand.start();
        try {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            String board = "--board=http://127.0.0.1:" + stand.getAddress().getPort();
            assertThat(QuaysideCli.run(new String[] {"status", board}, new PrintWriter(out), new PrintWriter(err)))
                    .as(err.toString()).isZero();
            assertThat(out.toString()).contains("web  running 0fb1cc4").doesNotContain("suspended");
            StringWriter json = new StringWriter();
            assertThat(QuaysideCli.run(new String[] {"status", board, "--json"}, new PrintWriter(json),
                    new PrintWriter(err))).isZero();
            assertThat(JSON.readTree(json.toString()).has("suspensions")).isFalse();
        } finally {
            stand.stop(0);
        }
    }

    LoopbackConfigSyncer.Request lastRequest() {
        List<LoopbackConfigSyncer.Request> requests = configSyncer.requests();
        assertThat(requests).isNotEmpty();
        return requests.get(requests.size() - 1);
    }

    @Test
    void eventsShowsTheRawEventsFilteredAndFollowsThemAsAProcess() throws Exception {
        PipelineScript.Chain chain = script.chain(PipelineScript.unique("evt"));
        chain.push().queued().started().finished(BuildOutcome.FAILURE, "no Dockerfile");
        await().atMost(WAIT).until(() -> run("events", "--type", "build-finished", "--limit", "1000").out()
                .contains(chain.buildId));
        Run text = run("events", "--type", "build-finished,commit-pushed", "--limit", "1000");
        assertThat(text.out().lines().findFirst().orElseThrow()).startsWith("TIME").contains("TYPE", "CHAIN", "WHAT");
        assertThat(text.out()).containsPattern("build " + chain.buildId + " failure in \\d+(\\.\\d)? m?s: no Dockerfile");
        List<JsonNode> json = run("events", "--type", "build-finished", "--limit", "1000", "--json").jsonLines();
        JsonNode mine = json.stream().filter(e -> chain.id().equals(e.path("chainId").asText())).findFirst().orElseThrow();
        assertThat(mine.path("cdevent").path("context").path("type").asText()).isEqualTo("dev.cdevents.build.finished.0.3.0");
        assertThat(mine.path("cdevent").path("customData").path("reason").asText()).isEqualTo("no Dockerfile");
        Run bad = run("events", "--type", "build-done");
        assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("unknown event type 'build-done'");

        // --follow runs until stopped: as its own process, through the launcher script
        Process process = new ProcessBuilder(root.resolve("bin/quayside-cli").toString(), "events", "--follow",
                "--type", "commit-pushed", "--json", "--board", board.url())
                .redirectError(ProcessBuilder.Redirect.INHERIT) // e.g. "[quayside] building the CLI" on a fresh clone
                .start();
        List<String> out = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                lines.lines().forEach(out::add);
            } catch (IOException e) {
                // the process ended
            }
        });
        reader.start();
        try {
            // a new push every second until the process, once subscribed, prints one
            String pushed = PipelineScript.unique("followed");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                script.chain(pushed).push();
                return out.stream().anyMatch(l -> l.contains("\"" + pushed + " main"));
            });
            assertThat(out).allSatisfy(l -> assertThat(JSON.readTree(l).path("name").asText()).isEqualTo("commit-pushed"));
        } finally {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyCommandHasHelpAndTheUsualExitCodes() {
        for (String command : List.of("status", "history", "follow", "logs", "sync", "promotions", "approve", "reject",
                "suspend", "resume", "rollback", "events")) {
            Run help = run(command, "--help");
            assertThat(help.exit()).as(command).isZero();
            assertThat(help.out()).as(command).contains("--json").contains("--board").contains("--color");
        }
        assertThat(run("--help").out()).contains("Exit codes:");
        assertThat(run("no-such-command").exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("follow", "x@abcd", "--timeout", "soon").exit()).isEqualTo(ExitCodes.USAGE);
        StringWriter err = new StringWriter();
        int unreachable = QuaysideCli.run(new String[] {"status", "--board", "http://127.0.0.1:" + closedPort()},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertThat(unreachable).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(err.toString()).contains("did not answer").contains("is it running?");
    }

    static List<String> stagesIn(List<String> lines) {
        List<String> stages = new ArrayList<>();
        for (String line : lines) {
            if (line.trim().startsWith("+")) {
                stages.add(line.substring(11, 27).trim());
            }
        }
        return stages;
    }

    /** A port nothing listens on. */
    static int closedPort() {
        return FreePorts.pick();
    }
}
