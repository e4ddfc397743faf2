package dev.quayside.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.devstack.docker.DockerEngine;
import dev.quayside.devstack.launcher.FixedRateLoad;
import dev.quayside.devstack.launcher.LocalRun;
import dev.quayside.devstack.launcher.PipelineWatch;
import dev.quayside.events.EventCodec;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A deploy is invisible to clients: one rolling upgrade of the sample app through the whole pipeline (push, build,
 * pin, sync, Marathon's rolling upgrade with {@code docker stop --time}, registrator's drain on the stop signal,
 * edge-router's runtime API) while a client sends {@code GET /version} through HAProxy at a fixed rate, from before
 * the push until the old task has stopped. Zero failed requests; both versions answered. ({@code bin/quayside bench
 * zero-downtime} measures ten upgrades, a scale-down and a rollback.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZeroDowntimeTest {

    private static final int RATE_PER_SECOND = 40;
    private final PrintStream out = System.out;
    private Path home;
    private LocalRun run;

    @BeforeAll
    void startThePipeline() throws Exception {
        DockerEngine.requireRunning();
        home = Files.createTempDirectory("quayside-e2e-zero-downtime-");
        Path root = Path.of(System.getProperty("quayside.root", "..")).toAbsolutePath().normalize();
        run = LocalRun.start(new LocalRun.Options(root, home, false, 0, Map.of(), Duration.ofSeconds(20)));
        run.createRepositories();
        run.startServices();
        run.installHooks();
    }

    @AfterAll
    void stopThePipeline() throws InterruptedException {
        if (run != null) {
            out.println(run.logTails(5));
            StoppedRun.stopAndCheck(run, home, Map.of("the webhook secret", run.webhookSecret(),
                    "the operator token", run.operatorToken()));
        }
    }

    @Test
    void aRollingUpgradeUnderLoadFailsNoRequest() throws Exception {
        live("1.0.0");
        awaitOneHealthyTaskAndNoDeployment();

        FixedRateLoad load = FixedRateLoad.start(URI.create("http://127.0.0.1:" + run.frontendPort() + "/version"),
                RATE_PER_SECOND);
        try {
            Thread.sleep(2_000);
            live("2.0.0");
            awaitOneHealthyTaskAndNoDeployment();
            Thread.sleep(5_000); // the old task drains (DRAIN_SECONDS) and stops; the load goes on past it
        } finally {
            load.close(); // waits for the answers to the last requests
        }
        List<FixedRateLoad.Sample> samples = load.samples();
        List<String> failures = samples.stream().filter(FixedRateLoad.Sample::failed)
                .map(FixedRateLoad.Sample::describe).toList();
        Map<String, Long> answers = samples.stream().filter(s -> !s.failed())
                .collect(Collectors.groupingBy(FixedRateLoad.Sample::body, TreeMap::new, Collectors.counting()));
        out.printf("zero downtime: %d requests sent, answers %s, %d failed: %s%n", load.sent(), answers,
                failures.size(), failures);
        assertThat(failures).as("failed requests through one rolling upgrade").isEmpty();
        assertThat(answers.keySet()).as("both versions answered").containsExactlyInAnyOrder("1.0.0", "2.0.0");
        assertThat(samples).as("every request sent ended").hasSize(load.sent());
    }

    private void live(String version) {
        PipelineWatch.Result result = PipelineWatch.pushAndFollow(run.stack().kafkaBootstrap(), run.frontendPort(),
                LocalRun.APP_REPO, version, () -> run.pushSampleVersion(version), Duration.ofMinutes(4), out);
        assertThat(result.live()).as(result.failure()).isTrue();
    }

    private void awaitOneHealthyTaskAndNoDeployment() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            String body = PipelineWatch.fetch(run.stack().marathonUrl() + "/v2/apps/" + LocalRun.ENVIRONMENT + "/"
                    + LocalRun.APP_REPO);
            JsonNode app = EventCodec.mapper().readTree(body == null ? "{}" : body).path("app");
            if (body != null && app.path("deployments").size() == 0 && app.path("tasksRunning").asInt() == 1
                    && app.path("tasksHealthy").asInt() == 1) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the sample app did not settle at one healthy task");
    }
}
