package dev.quayside.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quayside.devstack.launcher.ChainFollower;
import dev.quayside.devstack.launcher.LocalRun;
import dev.quayside.devstack.launcher.PipelineWatch;
import dev.quayside.devstack.launcher.ServiceProcess;
import dev.quayside.events.EventCodec;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.EventType;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/quayside bench}: runs the whole pipeline on the local stack (random ports, a temporary home), pushes
 * {@code -Dbench.commits} (default 20) commits of the sample app one after another, and reports from the events'
 * own timestamps and HAProxy's answers:
 * <ul>
 * <li>{@code commit_to_live}: push → the new version answering through HAProxy;</li>
 * <li>{@code per_hop}: each event's timestamp to the next stage's event;</li>
 * <li>{@code footprint}: each service's RSS after the run (warm), its time from process start to ready when all
 * seven start at once, and when it is restarted alone afterwards (the rest of the mesh idle);</li>
 * <li>{@code commit_to_live_after_crash}: one commit after a {@code kill -9} and restart of each consuming service;</li>
 * <li>{@code commit_to_live_after_restarting_all_services}: one commit after every service is stopped gracefully and
 * started again at once (the services' side of {@code bin/quayside down} + {@code up}).</li>
 * </ul>
 * Writes its part of the report ({@code -Dbench.out}, default {@code bench/results/parts/pipeline.json}); {@link
 * BenchReport} merges the parts. The exact control-plane overhead is {@link ControlPlaneBench}'s.
 */
public final class PipelineBench {

    private PipelineBench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("quayside.root", ".")).toAbsolutePath().normalize();
        int commits = Integer.getInteger("bench.commits", 20);
        PrintStream out = System.out;
        Path home = Files.createTempDirectory("quayside-bench-");
        Map<String, Duration> ready = new LinkedHashMap<>();
        List<Double> toLive = new ArrayList<>();
        Map<String, List<Double>> hops = new LinkedHashMap<>();
        Map<String, Long> rss = new LinkedHashMap<>();
        Map<String, Duration> readyAlone = new LinkedHashMap<>();
        String applierMetrics = null;
        // -Dbench.dynamic-members=true: the services join their consumer groups without a stable name (as before
        // static membership), for the "before" of commit_to_live_after_crash
        boolean dynamic = Boolean.getBoolean("bench.dynamic-members");
        Map<String, List<Double>> afterCrash = new LinkedHashMap<>();
        Map<String, Duration> readyAfterRestart = new LinkedHashMap<>();
        PipelineWatch.Result afterRestart = null;
        try (LocalRun run = LocalRun.start(new LocalRun.Options(root, home, false, 0,
                dynamic ? Map.of("quayside.kafka.instance-id", "") : Map.of(), Duration.ofSeconds(60)))) {
            run.createRepositories();
            run.startServices();
            run.installHooks();
            ready.putAll(run.readyAfter());
            for (int i = 1; i <= commits; i++) {
                String version = "9." + i + "." + System.currentTimeMillis();
                out.println("commit " + i + "/" + commits);
                PipelineWatch.Result result = PipelineWatch.pushAndFollow(run.stack().kafkaBootstrap(), run.frontendPort(),
                        LocalRun.APP_REPO, version, () -> run.pushSampleVersion(version), Duration.ofMinutes(3), out);
                if (!result.live()) {
                    out.println("commit " + i + " did not go live: " + result.failure());
                    continue;
                }
                toLive.add((double) result.elapsed().toMillis());
                record(result.events(), hops);
            }
            run.services().forEach((name, process) -> rss.put(name, rssKb(process)));
            applierMetrics = PipelineWatch.fetch(run.services().get("marathon-applier").url() + "/q/metrics");
            for (String name : LocalRun.SERVICES.keySet()) {
                out.println("restarting " + name + " alone");
                readyAlone.put(name, run.restart(name));
            }
            // a crash of each consuming service on the commit's path, then the next commit: does it wait for the
            // broker to time the dead consumer out (session.timeout.ms, 45 s) before the new process gets its
            // partitions?
            for (String name : List.of("image-builder", "config-syncer", "marathon-applier")) {
                out.println("kill -9 " + name + " and start it again, then one commit");
                run.crashAndRestart(name);
                String version = "9.crash." + System.currentTimeMillis();
                PipelineWatch.Result result = PipelineWatch.pushAndFollow(run.stack().kafkaBootstrap(),
                        run.frontendPort(), LocalRun.APP_REPO, version, () -> run.pushSampleVersion(version),
                        Duration.ofMinutes(3), out);
                out.println("after " + name + "'s crash: " + (result.live() ? result.elapsed().toMillis() + " ms"
                        : "not live: " + result.failure()));
                if (result.live()) {
                    afterCrash.put(name, List.of((double) result.elapsed().toMillis()));
                }
            }
            // #23's "first commit after bin/quayside down + up": every service stopped gracefully at once and started
            // again at once, then one commit
            out.println("stopping every service gracefully and starting them all again, then one commit");
            readyAfterRestart.putAll(run.restartServices());
            String version = "9.restart." + System.currentTimeMillis();
            afterRestart = PipelineWatch.pushAndFollow(run.stack().kafkaBootstrap(), run.frontendPort(),
                    LocalRun.APP_REPO, version, () -> run.pushSampleVersion(version), Duration.ofMinutes(3), out);
            out.println("after restarting every service: " + (afterRestart.live()
                    ? afterRestart.elapsed().toMillis() + " ms" : "not live: " + afterRestart.failure()));
        }
        ObjectNode json = EventCodec.mapper().createObjectNode();
        json.put("machine", machine());
        json.put("commit", gitHead(root));
        json.put("measured_at", Instant.now().toString());
        ObjectNode live = stats(toLive, "ms");
        live.put("note", "push of the busybox sample app (a real docker build on the " + storageDriver()
                + " storage driver) to the new"
                + " version answering through HAProxy; " + toLive.size() + " of " + commits + " commits went live;"
                + " goal p50 <= 10 s");
        json.set("commit_to_live", live);
        json.set("config_synced_to_first_marathon_request", serviceTimer(applierMetrics,
                "marathon-applier", "quayside_marathon_applier_sync_to_put_seconds"));
        ObjectNode crash = json.putObject("commit_to_live_after_crash");
        afterCrash.forEach((service, values) -> crash.set(service, stats(values, "ms")));
        crash.put("note", "kill -9 of the service, started again at once with the same command line (ready first),"
                + " then one commit of the sample app to live through HAProxy; consumer groups joined "
                + (dynamic ? "dynamically (bench.dynamic-members: no quayside.kafka.instance-id)"
                        : "as static members (quayside.kafka.instance-id)")
                + "; goal: as fast as any other commit (commit_to_live)");
        ObjectNode restarted = json.putObject("commit_to_live_after_restarting_all_services");
        if (afterRestart != null && afterRestart.live()) {
            restarted.setAll(stats(List.of((double) afterRestart.elapsed().toMillis()), "ms"));
        } else {
            restarted.put("failure", afterRestart == null ? "not run" : "not live: " + afterRestart.failure());
        }
        restarted.put("slowest_ready_ms", readyAfterRestart.values().stream().mapToLong(Duration::toMillis).max()
                .orElse(0));
        restarted.put("note", "every service stopped gracefully at once (as bin/quayside down does; the broker and the"
                + " other parts kept running) and started again at once with the same command lines (as up), each"
                + " ready first, then one commit of the sample app to live through HAProxy (was 42.3 s after down +"
                + " up before static membership and leaving the group on a graceful stop); goal: as fast as any other"
                + " commit (commit_to_live)");
        ObjectNode perHop = json.putObject("per_hop");
        hops.forEach((hop, values) -> perHop.set(hop, stats(values, "ms")));
        ObjectNode footprint = json.putObject("footprint");
        long total = 0;
        for (String name : rss.keySet()) {
            ObjectNode service = footprint.putObject(name);
            service.put("rss_mb", rss.get(name) / 1024.0);
            service.put("ready_ms", readyAlone.get(name).toMillis());
            service.put("ready_ms_all_at_once", ready.get(name).toMillis());
            total += rss.get(name);
        }
        footprint.put("mesh_rss_mb", total / 1024.0);
        footprint.put("note", "RSS after the run's commits (warm). ready: process start to /q/health/ready UP, polled"
                + " every 20 ms; 'started alone' restarts each service after the run with the rest of the mesh idle,"
                + " 'all at once' is the start of the run. JVM options: deploy/jvm.options. Goal <= 150 MB and"
                + " <= 1.5 s per service.");
        Path part = root.resolve(System.getProperty("bench.out", "bench/results/parts/pipeline.json"));
        Files.createDirectories(part.getParent());
        Files.writeString(part, EventCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
        out.println("wrote " + part);
    }

    private static void record(List<ChainFollower.Seen> events, Map<String, List<Double>> hops) {
        EventType[] stages = {EventType.COMMIT_PUSHED, EventType.BUILD_QUEUED, EventType.BUILD_STARTED,
                EventType.IMAGE_BUILT, EventType.TAG_UPDATED, EventType.CONFIG_SYNCED};
        Map<EventType, Instant> first = new LinkedHashMap<>();
        Instant deployed = null;
        for (ChainFollower.Seen seen : events) {
            EventEnvelope<?> e = seen.event();
            first.putIfAbsent(e.type(), e.context().timestamp());
            if ((e.type() == EventType.SERVICE_UPGRADED || e.type() == EventType.SERVICE_DEPLOYED) && deployed == null) {
                deployed = e.context().timestamp();
            }
        }
        for (int i = 0; i + 1 < stages.length; i++) {
            Instant from = first.get(stages[i]);
            Instant to = first.get(stages[i + 1]);
            if (from != null && to != null) {
                hops.computeIfAbsent(stages[i].name().toLowerCase() + "->" + stages[i + 1].name().toLowerCase(),
                        k -> new ArrayList<>()).add((double) Duration.between(from, to).toMillis());
            }
        }
        Instant synced = first.get(EventType.CONFIG_SYNCED);
        if (synced != null && deployed != null) {
            hops.computeIfAbsent("config_synced->deployed", k -> new ArrayList<>())
                    .add((double) Duration.between(synced, deployed).toMillis());
        }
    }

    /** A Micrometer timer's client-side percentiles and count, from {@code service}'s Prometheus page, in ms. */
    static ObjectNode serviceTimer(String prometheus, String service, String name) {
        ObjectNode node = EventCodec.mapper().createObjectNode();
        node.put("unit", "ms");
        node.put("source", service + " /q/metrics " + name);
        if (prometheus == null) {
            return node;
        }
        for (String line : prometheus.split("\n")) {
            if (line.startsWith(name + "_count")) {
                node.put("samples", (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
            for (String[] q : new String[][] {{"0.5", "p50"}, {"0.95", "p95"}, {"0.99", "p99"}}) {
                if (line.startsWith(name + "{") && line.contains("quantile=\"" + q[0] + "\"")) {
                    node.put(q[1], Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) * 1000);
                }
            }
        }
        return node;
    }

    static ObjectNode stats(List<Double> values, String unit) {
        ObjectNode node = EventCodec.mapper().createObjectNode();
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        node.put("samples", sorted.size());
        node.put("unit", unit);
        if (!sorted.isEmpty()) {
            node.put("p50", percentile(sorted, 50));
            node.put("p95", percentile(sorted, 95));
            node.put("p99", percentile(sorted, 99));
            node.put("max", sorted.get(sorted.size() - 1));
        }
        return node;
    }

    static double percentile(List<Double> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

    private static long rssKb(ServiceProcess process) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    static String machine() {
        long memKb = -1;
        try {
            memKb = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1L);
        } catch (IOException e) {
            // unknown
        }
        return Runtime.getRuntime().availableProcessors() + " cores, " + (memKb / 1024 / 1024) + " GiB, Java "
                + System.getProperty("java.version") + ", " + System.getProperty("os.name") + ", Docker storage driver "
                + storageDriver();
    }

    /** The Docker engine's storage driver ({@code overlay2} builds ~4.7x faster than {@code vfs}), or "unknown". */
    static String storageDriver() {
        try {
            Process docker = new ProcessBuilder("docker", "info", "--format", "{{.Driver}}").redirectErrorStream(true)
                    .start();
            String driver = new String(docker.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .strip();
            return docker.waitFor() == 0 && !driver.isEmpty() ? driver : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    static String gitHead(Path root) {
        try {
            return dev.quayside.devstack.docker.SampleApp.git(root, "rev-parse", "--short", "HEAD").trim();
        } catch (RuntimeException e) {
            return "unknown";
        }
    }
}
