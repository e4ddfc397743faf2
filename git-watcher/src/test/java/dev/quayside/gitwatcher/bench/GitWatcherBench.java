package dev.quayside.gitwatcher.bench;

import dev.quayside.devstack.kafka.KafkaBroker;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.IncomingEvent;
import dev.quayside.events.Topics;
import dev.quayside.events.kafka.EventDeserializer;
import dev.quayside.kit.security.Hmac;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * git-watcher's benchmark (not a test): starts a real broker and the packaged service (JVM mode) as a child process,
 * measures the time to ready, then sends signed GitHub push webhooks at a fixed rate and measures webhook received →
 * answered (the answer is sent only after Kafka acknowledged the event), checks on the topic that every push gave
 * exactly one event, and reads the service's RSS.
 *
 * <pre>
 * ./mvnw -B -q -pl git-watcher package -DskipTests
 * ./mvnw -B -q -pl git-watcher dependency:build-classpath -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 * java -cp git-watcher/target/test-classes:git-watcher/target/classes:$(cat git-watcher/target/test.classpath) \
 *      dev.quayside.gitwatcher.bench.GitWatcherBench [rate/s] [seconds]
 * </pre>
 */
public final class GitWatcherBench {

    private static final String SECRET = "bench-secret";
    /** The JVM options every deployment uses (docs/operations.md), relative to the checkout. */
    static final String JVM_OPTIONS = "deploy/jvm.options";

    private GitWatcherBench() {
    }

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        Path module = Path.of(args.length > 2 ? args[2] : "git-watcher");
        Path jar = module.resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the module first");
        }
        try (KafkaBroker broker = KafkaBroker.start(KafkaBroker.Options.forTests())) {
            KafkaBroker.createTopics(broker.bootstrapServers(), 1, List.of(Topics.COMMIT_PUSHED), Map.of());
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2)).build();
            Path app = jar.getParent();
            // as a deployment would: a first run records the class-data archive from its own kind of traffic
            // (written when it stops), the measured run starts from it (docs/operations.md); the first run also
            // leaves the broker warm, so the measured start competes with nothing
            System.out.println("recording run: " + app.resolve(ARCHIVE));
            Files.deleteIfExists(app.resolve(ARCHIVE));
            Service recording = Service.start(app, broker.bootstrapServers(), "-XX:ArchiveClassesAtExit=" + ARCHIVE);
            try {
                awaitReady(http, recording.port(), recording.started());
                send(http, recording.port(), rate, rate * 3, String.format("%08x", ~System.nanoTime() & 0xffffffffL),
                        () -> { });
            } finally {
                recording.stop();
            }
            if (!Files.isRegularFile(app.resolve(ARCHIVE))) {
                throw new IllegalStateException("the recording run wrote no " + app.resolve(ARCHIVE));
            }
            Service service = Service.start(app, broker.bootstrapServers(), "-XX:SharedArchiveFile=" + ARCHIVE);
            try {
                double readyMs = awaitReady(http, service.port(), service.started());
                System.out.printf("ready after %.0f ms (process start to /q/health/ready UP)%n", readyMs);
                run(http, service.port(), broker.bootstrapServers(), rate, seconds, service.process().pid(), readyMs);
            } finally {
                service.stop();
            }
        }
    }

    /**
     * Where the pushes go: {@code -Dbench.route=repository} sends them to the repository's own URL (signature checked
     * before parsing), by default to GitHub's shared URL.
     */
    private static final String ROUTE = "repository".equals(System.getProperty("bench.route"))
            ? "/webhooks/github/bench" : "/webhooks/github";

    /** The benchmark's own class-data archive in {@code quarkus-app/}, recorded afresh by every run. */
    private static final String ARCHIVE = "app-cds.jsa";

    /** The packaged service as a child process with the deployment's JVM options; {@code archiveOption} says CDS. */
    private record Service(Process process, int port, long started) {

        static Service start(Path app, String bootstrap, String archiveOption) throws IOException {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Path work = Files.createTempDirectory("git-watcher-bench-");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString()));
            // the deployment's JVM options, then the archive option; -Dbench.jvm="..." is added
            command.add("@" + Path.of(JVM_OPTIONS).toAbsolutePath());
            command.add(archiveOption);
            String extra = System.getProperty("bench.jvm", "").trim();
            if (!extra.isEmpty()) {
                command.addAll(List.of(extra.split("\\s+")));
            }
            command.addAll(List.of(
                    "-Dquarkus.http.port=" + port,
                    "-Dkafka.bootstrap.servers=" + bootstrap,
                    "-Dquarkus.log.console.json.enabled=false",
                    "-Dquarkus.log.category.\"dev.quayside\".level=WARN",
                    "-Dquayside.git-watcher.work-dir=" + work,
                    "-Dquayside.git-watcher.default-secret=" + SECRET,
                    "-Dquayside.git-watcher.repositories.bench.clone-url=https://github.com/binkkatal/sample_app.git",
                    // never polled: the bench reaches 127.0.0.1 only
                    "-Dquayside.git-watcher.repositories.bench.poll-interval=0s",
                    "-jar", "quarkus-run.jar"));
            long started = System.nanoTime();
            ProcessBuilder builder = new ProcessBuilder(command).directory(app.toFile()).redirectErrorStream(true)
                    .redirectOutput(work.resolve("service.log").toFile());
            builder.environment().put("MALLOC_ARENA_MAX", "2");
            return new Service(builder.start(), port, started);
        }

        /** SIGTERM, as a deployment stops it (a recording run writes its archive now). */
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static double awaitReady(HttpClient http, int port, long started) throws InterruptedException {
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = started + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> answer = http.send(ready, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    double ms = (System.nanoTime() - started) / 1e6;
                    System.out.println("ready: " + answer.body().replaceAll("\\s+", " "));
                    return ms;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("git-watcher was not ready within 60 s");
    }

    private static void run(HttpClient http, int port, String bootstrap, int rate, int seconds, long pid,
            double readyMs) throws Exception {
        String runId = String.format("%08x", System.nanoTime() & 0xffffffffL);
        // -Dbench.warmup=<s>: that many seconds at the same rate first, checked for loss and duplicates like the rest
        // but left out of the latency figures (the first seconds after start measure class loading and the JIT)
        int warmup = rate * Integer.getInteger("bench.warmup", 0);
        int total = warmup + rate * seconds;
        long[] maxRssHolder = {rssKb(pid)};
        long start = System.nanoTime();
        Sent sent = send(http, port, rate, total, runId, () -> maxRssHolder[0] = Math.max(maxRssHolder[0], rssKb(pid)));
        double elapsed = (System.nanoTime() - start) / 1e9;
        long maxRss = Math.max(maxRssHolder[0], rssKb(pid));
        long[] latencyByIndex = sent.latencyByIndex();
        Map<Integer, AtomicInteger> statuses = sent.statuses();

        Map<String, Integer> perHead = countEvents(bootstrap, runId);
        int lost = 0;
        int duplicated = 0;
        for (int i = 0; i < total; i++) {
            int n = perHead.getOrDefault(runId + String.format("%032x", i), 0);
            lost += n == 0 ? 1 : 0;
            duplicated += Math.max(0, n - 1);
        }
        List<Long> sorted = slice(latencyByIndex, warmup, total);
        System.out.printf("%d webhooks in %.1f s (%.0f/s offered %d/s, the first %d as warm-up); statuses %s%n",
                total, elapsed, total / elapsed, rate, warmup, statuses);
        System.out.printf("webhook → Kafka-acknowledged answer (%d measured): p50 %.1f ms, p90 %.1f ms, p99 %.1f ms,"
                + " max %.1f ms%n", sorted.size(), pct(sorted, 50), pct(sorted, 90), pct(sorted, 99),
                sorted.get(sorted.size() - 1) / 1e6);
        // the tail over time: per second for the first 10 s after ready, then per 10 s
        StringBuilder windows = new StringBuilder("p99 per window (1 s × 10, then 10 s):");
        for (int from = 0; from < total;) {
            int to = Math.min(total, from + (from < rate * 10 ? rate : rate * 10));
            windows.append(String.format(" %.1f", pct(slice(latencyByIndex, from, to), 99)));
            from = to;
        }
        System.out.println(windows.append(" ms"));
        // the service's own view of each step (Micrometer percentiles over its last minutes)
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("quayside_git_watcher_push_phase_seconds{")
                    || line.startsWith("quayside_git_watcher_push_phase_seconds_max")
                    || line.startsWith("http_server_requests_seconds_max{") && line.contains("webhooks")) {
                System.out.println("  " + line);
            }
        }
        System.out.printf("events on %s: %d lost, %d duplicated; max RSS %d MB; ready %.0f ms%n",
                Topics.COMMIT_PUSHED, lost, duplicated, maxRss / 1024, readyMs);
        String out = System.getProperty("bench.out");
        if (out != null) {
            writeResult(Path.of(out), rate, seconds, warmup / rate, sorted, slice(latencyByIndex, 0, Math.min(total,
                    rate * 10)), lost, duplicated, maxRss, readyMs);
        }
    }

    /** What {@link #send} saw: each push's webhook → answer time (ns, by index) and the answers' statuses (-1: none). */
    private record Sent(long[] latencyByIndex, Map<Integer, AtomicInteger> statuses) {
    }

    /**
     * Sends {@code count} signed GitHub pushes at {@code rate}/s, each with its own head ({@code runId} + index) and
     * delivery id, and waits for every answer; {@code everySecond} runs once per second of sending.
     */
    private static Sent send(HttpClient http, int port, int rate, int count, String runId, Runnable everySecond)
            throws Exception {
        String template = new String(Files.readAllBytes(Path.of(System.getProperty("quayside.shared.dir",
                "../shared"), "fixtures/webhooks/github/push.branch-update.go-playground.json")), StandardCharsets.UTF_8);
        String after = "fd489864e7642b48eaad6e3f155c10e46810ec72";
        long[] latencyByIndex = new long[count];
        Map<Integer, AtomicInteger> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        List<CompletableFuture<Void>> inFlight = new ArrayList<>(count);
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            String head = runId + String.format("%032x", i);
            byte[] body = template.replace(after, head).getBytes(StandardCharsets.UTF_8);
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + ROUTE))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .header("X-GitHub-Event", "push").header("X-GitHub-Delivery", runId + "-" + i)
                    .header("X-Hub-Signature-256", Hmac.sha256Header(SECRET, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            long sent = System.nanoTime();
            int index = i;
            inFlight.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((response, error) -> {
                latencyByIndex[index] = System.nanoTime() - sent;
                statuses.computeIfAbsent(error != null ? -1 : response.statusCode(), s -> new AtomicInteger())
                        .incrementAndGet();
                return null;
            }));
            if (i % rate == 0) {
                everySecond.run();
            }
        }
        CompletableFuture.allOf(inFlight.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
        return new Sent(latencyByIndex, statuses);
    }

    /** The figures as a part of bin/quayside bench's report (bench/results/parts/git-watcher.json). */
    private static void writeResult(Path out, int rate, int seconds, int warmupSeconds, List<Long> measured,
            List<Long> firstTen, int lost, int duplicated, long maxRssKb, double readyMs) throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode root = mapper.createObjectNode();
        root.put("measured_at", java.time.Instant.now().toString());
        com.fasterxml.jackson.databind.node.ObjectNode figures = root.putObject("git_watcher");
        com.fasterxml.jackson.databind.node.ObjectNode latency = stats(figures.putObject("webhook_to_event_acked"),
                measured);
        latency.put("rate_per_s", rate);
        latency.put("lost", lost);
        latency.put("duplicated", duplicated);
        latency.put("note", String.format("signed GitHub pushes at %d/s for %d s after %d s of warm-up at the same"
                + " rate (warm-up checked for loss and duplicates, left out of the latencies); goal p99 <= 20 ms,"
                + " 0 lost, 0 duplicated", rate, seconds, warmupSeconds));
        stats(figures.putObject("first_10_s_after_ready"), firstTen);
        figures.put("rss_mb_max", maxRssKb / 1024.0);
        figures.put("ready_ms", readyMs);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    }

    private static Map<String, Integer> countEvents(String bootstrap, String runId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        Map<String, Integer> perHead = new HashMap<>();
        try (KafkaConsumer<String, IncomingEvent> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new EventDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(Topics.COMMIT_PUSHED).forEach(p -> partitions.add(
                    new TopicPartition(p.topic(), p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, IncomingEvent> record : consumer.poll(Duration.ofMillis(500))) {
                    String head = record.value().require(CommitPushed.class).data().after();
                    if (head.startsWith(runId)) {
                        perHead.merge(head, 1, Integer::sum);
                    }
                }
            }
        }
        return perHead;
    }

    /** Sorted latencies (ns) as a figure in ms: samples, p50/p95/p99, max. */
    private static com.fasterxml.jackson.databind.node.ObjectNode stats(
            com.fasterxml.jackson.databind.node.ObjectNode node, List<Long> sorted) {
        node.put("unit", "ms");
        node.put("samples", sorted.size());
        node.put("p50", pct(sorted, 50));
        node.put("p95", pct(sorted, 95));
        node.put("p99", pct(sorted, 99));
        node.put("max", sorted.get(sorted.size() - 1) / 1e6);
        return node;
    }

    private static List<Long> slice(long[] values, int from, int to) {
        List<Long> slice = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            slice.add(values[i]);
        }
        Collections.sort(slice);
        return slice;
    }

    private static double pct(List<Long> sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index)) / 1e6;
    }

    private static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
