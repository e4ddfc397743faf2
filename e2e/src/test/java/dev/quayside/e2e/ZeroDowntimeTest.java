package dev.quayside.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.devstack.docker.DockerEngine;
import dev.quayside.devstack.launcher.LocalRun;
import dev.quayside.devstack.launcher.PipelineWatch;
import dev.quayside.events.EventCodec;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
    private String secret;
    private String operatorToken;

    @BeforeAll
    void startThePipeline() throws Exception {
        DockerEngine.requireRunning();
        home = Files.createTempDirectory("quayside-e2e-zero-downtime-");
        Path root = Path.of(System.getProperty("quayside.root", "..")).toAbsolutePath().normalize();
        run = LocalRun.start(new LocalRun.Options(root, home, false, 0, Map.of(), Duration.ofSeconds(20)));
        run.createRepositories();
        run.startServices();
        run.installHooks();
        secret = run.webhookSecret();
        operatorToken = run.operatorToken();
    }

    /**
     * Stops the run as {@code bin/quayside down} does ({@link LocalRun#close()}) and checks that nothing of it still
     * listens: the services, the board, HAProxy's front end, the broker, the stand-ins and the registry (issue #22: an
     * HAProxy started during the stop once kept the front end).
     */
    @AfterAll
    void stopThePipelineAndNothingListens() throws InterruptedException {
        if (run == null) {
            return;
        }
        out.println(run.logTails(5));
        Map<String, Integer> ports = new java.util.LinkedHashMap<>();
        run.services().forEach((name, process) -> ports.put(name, process.port()));
        ports.put("HAProxy front end", run.frontendPort());
        ports.put("Kafka", URI.create("kafka://" + run.stack().kafkaBootstrap()).getPort());
        ports.put("registry", URI.create("http://" + run.stack().registryAddress()).getPort());
        ports.put("Consul stand-in", URI.create(run.stack().consulUrl()).getPort());
        ports.put("Marathon stand-in", URI.create(run.stack().marathonUrl()).getPort());
        ports.put("Chronos stand-in", URI.create(run.stack().chronosUrl()).getPort());
        run.close();
        Map<String, Integer> listening = new java.util.LinkedHashMap<>(ports);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!listening.isEmpty() && System.nanoTime() < deadline) {
            listening.values().removeIf(port -> !accepts(port));
            Thread.sleep(200);
        }
        assertThat(listening).as("ports still listening 10 s after the run stopped (of %s)", ports).isEmpty();
        noSecretInTheLogs(Map.of("the webhook secret", secret, "the operator token", operatorToken));
    }

    /** Issue #18: no service writes a configured secret into its log (every log of the run, read after the stop). */
    private void noSecretInTheLogs(Map<String, String> secrets) {
        List<String> found = new java.util.ArrayList<>();
        try (java.util.stream.Stream<Path> files = Files.walk(home.resolve("logs"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
                secrets.forEach((what, value) -> {
                    if (text.contains(value)) {
                        found.add(what + " in " + home.relativize(file));
                    }
                });
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(found).as("configured secrets in the services' logs").isEmpty();
    }

    private static boolean accepts(int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void aRollingUpgradeUnderLoadFailsNoRequest() throws Exception {
        live("1.0.0");
        awaitOneHealthyTaskAndNoDeployment();

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        URI uri = URI.create("http://127.0.0.1:" + run.frontendPort() + "/version");
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        AtomicInteger sent = new AtomicInteger();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleAtFixedRate(() -> {
            sent.incrementAndGet();
            http.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
                        if (failure != null) {
                            failures.add(String.valueOf(failure.getCause() != null ? failure.getCause() : failure));
                        } else if (response.statusCode() != 200) {
                            failures.add("HTTP " + response.statusCode() + ": " + response.body().strip());
                        } else {
                            answers.computeIfAbsent(response.body().strip(), v -> new AtomicInteger())
                                    .incrementAndGet();
                        }
                    });
        }, 0, 1000 / RATE_PER_SECOND, TimeUnit.MILLISECONDS);
        try {
            Thread.sleep(2_000);
            live("2.0.0");
            awaitOneHealthyTaskAndNoDeployment();
            Thread.sleep(5_000); // the old task drains (DRAIN_SECONDS) and stops; the load goes on past it
        } finally {
            ticker.shutdown();
            ticker.awaitTermination(5, TimeUnit.SECONDS);
            Thread.sleep(6_000); // answers to the last requests
        }
        out.printf("zero downtime: %d requests sent, answers %s, %d failed: %s%n", sent.get(), answers,
                failures.size(), failures);
        assertThat(failures).as("failed requests through one rolling upgrade").isEmpty();
        assertThat(answers.keySet()).as("both versions answered").containsExactlyInAnyOrder("1.0.0", "2.0.0");
        assertThat(answers.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(sent.get());
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
