package dev.quayside.registrator.service;

import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.consul.ConsulStandIn;
import dev.quayside.devstack.kafka.KafkaBroker;
import dev.quayside.registrator.ConsulView;
import dev.quayside.registrator.TestContainers;
import dev.quayside.registrator.TestContainers.Spec;
import io.vertx.mutiny.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The figures, on demand only (the name keeps it out of {@code mvn verify}):
 * {@code ./mvnw -B -pl registrator test -Dtest=RegistratorBenchmark -Dbench.containers=200
 * "-Dbench.jvm=-Xmx64m -XX:+UseSerialGC"}.
 * Prints start event → visible in the catalog (p50, p95), the initial sync of N running containers, and the RSS of
 * the packaged service after that sync (when {@code target/quarkus-app} exists).
 */
class RegistratorBenchmark {

    final int count = Integer.getInteger("bench.containers", 200);
    final int starts = Integer.getInteger("bench.starts", 30);

    @Test
    void figures() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (ConsulStandIn consul = ConsulStandIn.start(); TestContainers containers = new TestContainers()) {
            ConsulView view = new ConsulView(consul.url());
            String host = "bench-" + containers.run();
            startMany(containers, count);

            long t0 = System.nanoTime();
            Harness harness = new Harness(vertx, null, consul.url(),
                    new Harness.Settings(host, containers.labelFilter(), "always"));
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> view.services(host).size() == count);
            long syncMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.printf("BENCH initial sync of %d running containers (process start to all in the catalog): "
                    + "%d ms%n", count, syncMs);

            List<Long> latencies = new ArrayList<>();
            for (int i = 0; i < starts; i++) {
                String id = containers.create(new Spec("lat" + i));
                String serviceId = host + ":" + containers.containerName("lat" + i) + ":8080";
                containers.docker().startContainerCmd(id).exec();
                long started = startedAtNanos(containers, id);
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(2))
                        .until(() -> view.services().containsKey(serviceId));
                latencies.add(epochNanos() - started);
            }
            Collections.sort(latencies);
            System.out.printf("BENCH start event -> visible in the catalog over %d starts: p50 %.1f ms, p95 %.1f ms "
                    + "(including the 2 ms poll)%n", starts, latencies.get(starts / 2) / 1e6,
                    latencies.get((int) (starts * 0.95)) / 1e6);
            System.out.printf("BENCH internal timer (engine event -> registered) p50: %.1f ms%n",
                    harness.meters.timer("quayside.registrator.start.latency").takeSnapshot().percentileValues()[0]
                            .value(TimeUnit.MILLISECONDS));
            harness.kill();
            rss(consul.url(), containers.labelFilter(), host + "-rss", view, count + starts);
        } finally {
            vertx.closeAndAwait();
        }
    }

    private static void startMany(TestContainers containers, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<String>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = "many" + i;
            futures.add(pool.submit(() -> containers.start(new Spec(name))));
        }
        for (Future<String> f : futures) {
            f.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();
    }

    private static long startedAtNanos(TestContainers containers, String id) {
        String startedAt = containers.docker().inspectContainerCmd(id).exec().getState().getStartedAt();
        java.time.Instant at = java.time.Instant.parse(startedAt);
        return at.getEpochSecond() * 1_000_000_000L + at.getNano();
    }

    private static long epochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** RSS of the packaged service once it has synced {@code expected} containers. */
    private static void rss(String consulUrl, String label, String host, ConsulView view, int expected)
            throws IOException, InterruptedException {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        Assumptions.assumeTrue(Files.exists(jar), "no " + jar.toAbsolutePath() + ": run `package` first for the RSS");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        String jvm = System.getProperty("bench.jvm", "").trim();
        if (!jvm.isEmpty()) {
            command.addAll(List.of(jvm.split("\\s+")));
        }
        command.addAll(List.of("-Dquarkus.http.port=0", "-Dquayside.consul.url=" + consulUrl,
                "-Dquayside.registrator.container-label=" + label, "-Dquayside.registrator.hostname=" + host,
                "-Dquayside.registrator.address=127.0.0.1",
                "-Dkafka.bootstrap.servers=" + KafkaBroker.sharedBootstrapServers(),
                "-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        String arenas = System.getProperty("bench.malloc-arenas", "");
        if (!arenas.isEmpty()) {
            builder.environment().put("MALLOC_ARENA_MAX", arenas);
        }
        Process app = builder.redirectErrorStream(true)
                .redirectOutput(Path.of("target/bench-app.log").toFile()).start();
        try {
            await().atMost(Duration.ofMinutes(2)).until(() -> view.services(host).size() == expected);
            Thread.sleep(5000);
            String status = Files.readString(Path.of("/proc/" + app.pid() + "/status"));
            String rss = status.lines().filter(l -> l.startsWith("VmRSS")).findFirst().orElse("VmRSS: ?");
            System.out.printf("BENCH packaged service after syncing %d containers: %s (JVM flags: %s%s)%n",
                    expected, rss.replaceAll("\\s+", " "), jvm.isEmpty() ? "defaults" : jvm,
                    arenas.isEmpty() ? "" : ", MALLOC_ARENA_MAX=" + arenas);
        } finally {
            app.destroy();
            app.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
