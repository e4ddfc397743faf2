package dev.quayside.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quayside.devstack.docker.SampleApp;
import dev.quayside.devstack.launcher.FixedRateLoad;
import dev.quayside.devstack.launcher.LocalRun;
import dev.quayside.devstack.launcher.PipelineWatch;
import dev.quayside.events.EventCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * {@code bin/quayside bench zero-downtime}: bounded load through HAProxy — a fixed rate ({@code -Dbench.rate}, default
 * 50 requests/s) of {@code GET /version} for as long as the run lasts — while the local run (every service, the
 * Marathon stand-in running real containers) goes through {@code -Dbench.upgrades} (default 10) rolling upgrades of
 * the sample app (a push each: build, pin, sync, Marathon's rolling upgrade), a scale-up to 2 and a scale-down to 1,
 * and a deployment whose health check never passes (rolled back). Reports requests sent, failed by HTTP status and by
 * socket error, latency p50/p99 during deploys and outside them, and the route-live hop of each upgrade: Marathon's
 * {@code health_status_changed_event} (alive) of the new task to the first answer of the new version through HAProxy.
 * Writes {@code bench/results/parts/zero-downtime.json} ({@code -Dbench.out}). Reports; never fails on a figure.
 */
public final class ZeroDowntimeBench {

    private static final PrintStream OUT = System.out;

    private ZeroDowntimeBench() {
    }

    /** Marathon's event stream: when each task was reported healthy (receive time, same clock as the load). */
    static final class HealthEvents implements AutoCloseable {
        private final Map<String, Long> healthyAt = new java.util.concurrent.ConcurrentHashMap<>();
        private final Thread thread;
        private volatile InputStream stream;

        HealthEvents(String marathonUrl) {
            thread = new Thread(() -> follow(marathonUrl), "marathon-events");
            thread.setDaemon(true);
            thread.start();
        }

        private void follow(String marathonUrl) {
            try {
                HttpResponse<InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(marathonUrl + "/v2/events?event_type=health_status_changed_event"))
                        .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
                stream = response.body();
                BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("data: ")) {
                        JsonNode event = EventCodec.mapper().readTree(line.substring(6));
                        if (event.path("alive").asBoolean(false)) {
                            healthyAt.putIfAbsent(event.path("taskId").asText(), System.nanoTime());
                        }
                    }
                }
            } catch (IOException | InterruptedException e) {
                // closed at the end of the run
            }
        }

        /** Tasks reported healthy at or after {@code sinceNanos}, earliest first. */
        List<Long> healthySince(long sinceNanos) {
            return healthyAt.values().stream().filter(t -> t >= sinceNanos).sorted().toList();
        }

        @Override
        public void close() throws IOException {
            if (stream != null) {
                stream.close();
            }
        }
    }

    /** A deploy's window on the load's clock, with what it was. */
    record Window(String what, long startNanos, long endNanos) {
        boolean contains(long nanos) {
            return nanos >= startNanos && nanos <= endNanos;
        }
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("quayside.root", ".")).toAbsolutePath().normalize();
        int rate = Integer.getInteger("bench.rate", 50);
        int upgrades = Integer.getInteger("bench.upgrades", 10);
        Path home = Files.createTempDirectory("quayside-zero-downtime-");
        List<Window> windows = new ArrayList<>();
        List<Double> routeLive = new ArrayList<>();
        List<FixedRateLoad.Sample> samples;
        String registratorMetrics;
        String edgeRouterMetrics;
        try (LocalRun run = LocalRun.start(new LocalRun.Options(root, home, false, 0, Map.of(),
                Duration.ofSeconds(60)))) {
            run.createRepositories();
            run.startServices();
            run.installHooks();
            follow(run, "0.1." + System.currentTimeMillis());
            awaitSettled(run, 1);
            FixedRateLoad load = FixedRateLoad.start(URI.create("http://127.0.0.1:" + run.frontendPort() + "/version"),
                    rate);
            try (HealthEvents health = new HealthEvents(run.stack().marathonUrl())) {
                Thread.sleep(10_000); // a quiet stretch first: latency outside deploys
                for (int i = 1; i <= upgrades; i++) {
                    String next = "1." + i + "." + System.currentTimeMillis();
                    OUT.println("rolling upgrade " + i + "/" + upgrades + " to " + next);
                    long start = System.nanoTime();
                    follow(run, next);
                    awaitSettled(run, 1);
                    windows.add(new Window("upgrade " + i, start, System.nanoTime()));
                    Thread.sleep(3_000);
                    Long live = firstAnswer(load.samples(), next, start);
                    List<Long> healthy = health.healthySince(start);
                    if (live != null && !healthy.isEmpty()) {
                        routeLive.add((live - healthy.get(0)) / 1e6);
                    }
                }
                OUT.println("scale-up to 2, then scale-down to 1");
                long start = System.nanoTime();
                editDefinition(run, text -> text.replace("\"instances\": 1", "\"instances\": 2"), "Scale to 2");
                awaitSettled(run, 2);
                windows.add(new Window("scale-up", start, System.nanoTime()));
                Thread.sleep(3_000);
                start = System.nanoTime();
                editDefinition(run, text -> text.replace("\"instances\": 2", "\"instances\": 1"), "Scale to 1");
                awaitSettled(run, 1);
                Thread.sleep(DRAIN_MARGIN_MILLIS);
                windows.add(new Window("scale-down", start, System.nanoTime()));
                Thread.sleep(3_000);
                OUT.println("a deployment whose health check never passes (rolled back)");
                start = System.nanoTime();
                editDefinition(run, text -> text.replace("\"path\": \"/health\"", "\"path\": \"/never-healthy\""),
                        "Break the health check");
                awaitRolledBack(run);
                Thread.sleep(DRAIN_MARGIN_MILLIS);
                windows.add(new Window("rollback", start, System.nanoTime()));
                Thread.sleep(10_000);
            } finally {
                load.close(); // waits for the answers to the last requests
            }
            samples = load.samples();
            registratorMetrics = PipelineWatch.fetch(run.services().get("registrator").url() + "/q/metrics");
            edgeRouterMetrics = PipelineWatch.fetch(run.services().get("edge-router").url() + "/q/metrics");
        }
        Path part = root.resolve(System.getProperty("bench.out", "bench/results/parts/zero-downtime.json"));
        Files.createDirectories(part.getParent());
        Files.writeString(part, EventCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(
                report(root, rate, samples, windows, routeLive, registratorMetrics, edgeRouterMetrics)) + "\n");
        OUT.println("wrote " + part);
    }

    /** After Marathon reports a deployment done, the old task's container drains and stops: a margin for it. */
    private static final long DRAIN_MARGIN_MILLIS = 4_000;

    static ObjectNode report(Path root, int rate, List<FixedRateLoad.Sample> samples, List<Window> windows, List<Double> routeLive,
            String registratorMetrics, String edgeRouterMetrics) {
        ObjectNode json = EventCodec.mapper().createObjectNode();
        json.put("machine", PipelineBench.machine());
        json.put("commit", PipelineBench.gitHead(root));
        json.put("measured_at", Instant.now().toString());
        Map<String, Integer> byStatus = new TreeMap<>();
        Map<String, Integer> byError = new TreeMap<>();
        List<Double> during = new ArrayList<>();
        List<Double> outside = new ArrayList<>();
        int failed = 0;
        for (FixedRateLoad.Sample sample : samples) {
            boolean inDeploy = windows.stream().anyMatch(w -> w.contains(sample.sentNanos()));
            (inDeploy ? during : outside).add(sample.latencyNanos() / 1e6);
            if (sample.error() != null) {
                byError.merge(sample.error(), 1, Integer::sum);
                failed++;
            } else if (sample.status() != 200) {
                byStatus.merge(Integer.toString(sample.status()), 1, Integer::sum);
                failed++;
            }
        }
        ObjectNode requests = json.putObject("zero_downtime_requests");
        requests.put("sent", samples.size());
        requests.put("failed", failed);
        requests.putPOJO("failed_by_status", byStatus);
        requests.putPOJO("failed_by_socket_error", byError);
        requests.put("rate_per_second", rate);
        requests.put("deploys", windows.size());
        requests.put("note", samples.size() + " GET /version through HAProxy at " + rate + "/s while "
                + windows.stream().map(Window::what).toList() + " ran on the local run: " + failed + " failed "
                + "(by status " + byStatus + ", by socket error " + byError + "); goal 0");
        ObjectNode latency = json.putObject("zero_downtime_latency");
        latency.set("during_deploys", PipelineBench.stats(during, "ms"));
        latency.set("outside_deploys", PipelineBench.stats(outside, "ms"));
        ObjectNode live = PipelineBench.stats(routeLive, "ms");
        live.put("note", "Marathon's health_status_changed_event (alive) of the new task, as received, to the first "
                + "answer of the new version through HAProxy, per rolling upgrade; negative when Consul's check "
                + "passed (and edge-router added the server) before Marathon's; goal <= 300 ms. Before this work: "
                + "about 2 s (deployed -> route live, issue #23)");
        json.set("route_live_after_healthy", live);
        ObjectNode parts = json.putObject("route_live_parts");
        parts.set("registrator_stop_signal_to_maintenance", PipelineBench.serviceTimer(registratorMetrics,
                "registrator", "quayside_registrator_drain_latency_seconds"));
        parts.set("registrator_start_to_registered", PipelineBench.serviceTimer(registratorMetrics,
                "registrator", "quayside_registrator_start_latency_seconds"));
        parts.set("edge_router_render", PipelineBench.serviceTimer(edgeRouterMetrics,
                "edge-router", "quayside_edge_router_render_seconds"));
        return json;
    }

    /** When the load first got {@code version} back, at or after {@code sinceNanos}; null if never. */
    static Long firstAnswer(List<FixedRateLoad.Sample> samples, String version, long sinceNanos) {
        return samples.stream().filter(s -> s.sentNanos() >= sinceNanos && version.equals(s.body()))
                .map(s -> s.sentNanos() + s.latencyNanos()).min(Long::compare).orElse(null);
    }

    /** Pushes a new version of the sample app and follows its chain until HAProxy serves it. */
    private static void follow(LocalRun run, String version) {
        PipelineWatch.Result result = PipelineWatch.pushAndFollow(run.stack().kafkaBootstrap(), run.frontendPort(),
                LocalRun.APP_REPO, version, () -> run.pushSampleVersion(version), Duration.ofMinutes(4), OUT);
        if (!result.live()) {
            throw new IllegalStateException("version " + version + " did not go live: " + result.failure());
        }
    }

    /** The sample app as Marathon shows it; an empty node while Marathon does not answer. */
    private static JsonNode app(LocalRun run) throws IOException {
        String body = PipelineWatch.fetch(run.stack().marathonUrl() + "/v2/apps/" + LocalRun.ENVIRONMENT + "/"
                + LocalRun.APP_REPO);
        return EventCodec.mapper().readTree(body == null ? "{}" : body).path("app");
    }

    /** Waits until Marathon runs {@code instances} healthy tasks of the sample app and no deployment. */
    private static void awaitSettled(LocalRun run, int instances) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (System.nanoTime() < deadline) {
            JsonNode app = app(run);
            if (!app.isMissingNode() && app.path("instances").asInt() == instances
                    && app.path("deployments").size() == 0
                    && app.path("tasksRunning").asInt() == instances && app.path("tasksHealthy").asInt() == instances) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the sample app did not settle at " + instances + " instance(s)");
    }

    /** Waits until a deployment came and went and the app is back at one healthy task of its old version. */
    private static void awaitRolledBack(LocalRun run) throws Exception {
        String before = app(run).path("version").asText();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        boolean deploying = false;
        while (System.nanoTime() < deadline) {
            JsonNode app = app(run);
            deploying |= app.path("deployments").size() > 0 || !app.path("version").asText().equals(before);
            if (deploying && app.path("deployments").size() == 0 && app.path("tasksHealthy").asInt() == 1
                    && app.path("tasksRunning").asInt() == 1
                    && app.toString().contains("\"path\":\"/health\"")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the broken deployment was not rolled back");
    }

    /** Edits the sample app's definition in the config repo (a commit and a push, as a person would). */
    private static void editDefinition(LocalRun run, UnaryOperator<String> edit, String message) throws IOException {
        Path work = run.configWorkTree();
        SampleApp.git(work, "pull", "-q", "--rebase", "origin", "main");
        Path file = work.resolve("marathon/" + LocalRun.ENVIRONMENT + "/" + LocalRun.APP_REPO + ".json");
        String before = Files.readString(file);
        String after = edit.apply(before);
        if (after.equals(before)) {
            throw new IllegalStateException(message + ": the edit changes nothing in " + file);
        }
        Files.writeString(file, after);
        SampleApp.commitAndPush(work, message);
    }
}
