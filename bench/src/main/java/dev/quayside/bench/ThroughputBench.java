package dev.quayside.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quayside.bench.ThroughputTracker.Commit;
import dev.quayside.devstack.docker.DockerEngine;
import dev.quayside.devstack.docker.LocalRegistry;
import dev.quayside.devstack.launcher.RegistryImages;
import dev.quayside.devstack.launcher.ServiceProcess;
import dev.quayside.events.EventCodec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Throughput of the non-build stages (issue #13 item 4): git-watcher → image-builder (image already in the registry)
 * → config-syncer (write-back commit + Consul mirror) → marathon-applier (Marathon PUT), with {@code n} partitions per
 * topic and {@code n} instances of each of the four services, for n = 1, 2, 4.
 *
 * <p>Method (a stepped offered rate): for each n a fresh stack starts; one warm-up commit per app goes through; then
 * commits are offered at 1, 2, 3, 4, 6, 8, 12, ... commits/s ({@code -Dbench.throughput.rates}), each rate for
 * {@code -Dbench.throughput.seconds} seconds, round-robin over {@code -Dbench.throughput.apps} apps, each commit as a
 * real commit in the app's bare repository, its image tag pushed to the registry and a signed generic webhook sent to
 * the git-watcher instances in turn. After each step the bench waits (at most {@code -Dbench.throughput.settle-seconds})
 * until every commit of the step is deployed — a deployment event naming the commit's own image. A step passes when
 * no commit is lost and the completion rate keeps up (at least 90 % of the offered rate); a failing rate is offered
 * once more (a stall of this shared machine can fail one step), and the ramp stops when it fails again. The reported
 * rate is the measured completion rate of the highest passing step, its latency webhook sent → deployment event.
 *
 * <p>Writes {@code bench/results/parts/throughput.json}.
 */
public final class ThroughputBench {


    private final Path root;
    private final int seconds;
    private final double[] rates;
    private final int settleSeconds;
    private final Duration readyTimeout;
    private final List<String> apps = new ArrayList<>();
    private final PrintStream out = System.out;
    private Path servicesRoot;

    private ThroughputBench(Path root) {
        this.root = root;
        this.seconds = Integer.getInteger("bench.throughput.seconds", 12);
        this.rates = Arrays.stream(System.getProperty("bench.throughput.rates", "1,2,3,4,6,8,12,16,24,32").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).mapToDouble(Double::parseDouble).toArray();
        this.settleSeconds = Integer.getInteger("bench.throughput.settle-seconds", 30);
        this.readyTimeout = Duration.ofSeconds(Integer.getInteger("bench.throughput.ready-seconds", 300));
        int appCount = Integer.getInteger("bench.throughput.apps", 20);
        for (int i = 1; i <= appCount; i++) {
            apps.add(String.format("tp-app-%02d", i));
        }
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("quayside.root", ".")).toAbsolutePath().normalize();
        int[] instances = Arrays.stream(System.getProperty("bench.throughput.instances", "1,2,4").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
        new ThroughputBench(root).run(instances);
    }

    private void run(int[] instances) throws IOException {
        DockerEngine.requireRunning();
        Path home = Files.createTempDirectory("quayside-throughput-");
        out.println("throughput bench: home " + home + ", " + apps.size() + " apps, rates "
                + Arrays.toString(rates) + " commits/s for " + seconds + " s each, instances " + Arrays.toString(instances));
        ObjectNode throughput = EventCodec.mapper().createObjectNode();
        int commitsPerApp = commitsPerApp();
        RegistryImages images = null;
        try (LocalRegistry registry = LocalRegistry.start(0, home.resolve("registry"))) {
            if (!Boolean.getBoolean("bench.throughput.no-snapshot")) {
                servicesRoot = snapshotServices(home.resolve("services"));
            }
            images = new RegistryImages(registry.address(), "quayside-throughput-base");
            images.pushBaseImage(home, "throughput");
            for (String app : apps) {
                images.seedApp(app);
            }
            for (int n : instances) {
                ObjectNode result;
                try {
                    result = configuration(n, home.resolve("n" + n), registry.address(), images, commitsPerApp);
                } catch (RuntimeException e) {
                    out.println("instances " + n + " failed: " + e.getMessage());
                    result = EventCodec.mapper().createObjectNode();
                    result.putNull("rate");
                    result.put("unit", "commits/s");
                    result.put("samples", 0);
                    result.putNull("lost");
                    result.set("latency", PipelineBench.stats(List.of(), "ms"));
                    result.put("error", String.valueOf(e.getMessage()).lines().limit(5).reduce((a, b) -> a + " | " + b)
                            .orElse(""));
                    result.put("note", "not measured: the configuration did not start or run (see error)");
                }
                throughput.set("instances_" + n, result);
                write(throughput);
            }
        } finally {
            if (images != null) {
                images.removeLocalTags();
            }
        }
        out.println(EventCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(throughput));
    }

    /**
     * Copies the four packaged services ({@code <module>/target/quarkus-app}) and their JVM options
     * ({@link ServiceProcess#JVM_OPTIONS}) once, so that another build of the
     * checkout during the run cannot pull jars from under running JVMs; {@code -Dbench.throughput.no-snapshot=true}
     * runs them in place.
     */
    private Path snapshotServices(Path into) throws IOException {
        for (String module : ThroughputStack.MODULES) {
            Path from = ServiceProcess.appOf(root, module);
            if (!Files.isRegularFile(from.resolve("quarkus-run.jar"))) {
                throw new IllegalStateException(from + "/quarkus-run.jar is missing: build first (./mvnw -B install -DskipTests)");
            }
            Path to = ServiceProcess.appOf(into, module);
            try (var files = Files.walk(from)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Path target = to.resolve(from.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(target);
                    } else {
                        // attributes kept: an AppCDS archive checks its jars' modification times
                        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
            // the class-data archive lives beside quarkus-app/ (a build replaces that directory)
            if (Files.isRegularFile(ServiceProcess.archiveOf(from))) {
                Files.copy(ServiceProcess.archiveOf(from), ServiceProcess.archiveOf(to), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        Path options = root.resolve(ServiceProcess.JVM_OPTIONS);
        if (Files.isRegularFile(options)) {
            Files.createDirectories(into.resolve(ServiceProcess.JVM_OPTIONS).getParent());
            Files.copy(options, into.resolve(ServiceProcess.JVM_OPTIONS), StandardCopyOption.REPLACE_EXISTING);
        }
        out.println("packaged services copied to " + into);
        return into;
    }

    private int commitsPerApp() {
        double total = apps.size();
        for (double rate : rates) {
            total += 2 * Math.ceil(rate * seconds); // each rate may be offered twice
        }
        return (int) Math.ceil(total / apps.size()) + 2;
    }

    private void write(ObjectNode throughput) throws IOException {
        ObjectNode json = EventCodec.mapper().createObjectNode();
        json.set("throughput", throughput);
        Path parts = root.resolve("bench/results/parts");
        Files.createDirectories(parts);
        Files.writeString(parts.resolve("throughput.json"), EventCodec.mapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(json) + "\n");
    }

    private ObjectNode configuration(int n, Path home, String registry, RegistryImages images, int commitsPerApp) {
        Path services = servicesRoot != null ? servicesRoot : root;
        out.println("== instances " + n + ": starting Kafka (" + n + " partitions per topic), Consul, Marathon, "
                + apps.size() + " app repositories");
        Instant begin = Instant.now();
        try (ThroughputStack stack = ThroughputStack.start(n, home, registry, apps, commitsPerApp);
                ThroughputTracker tracker = new ThroughputTracker(stack.kafkaBootstrap())) {
            out.println("starting " + 4 * n + " service JVMs");
            Instant servicesStart = Instant.now();
            try {
                stack.startServices(services, apps, readyTimeout);
            } catch (RuntimeException e) {
                out.println(stack.logTails(15));
                throw new IllegalStateException(4 * n + " service JVMs did not all become ready within " + readyTimeout
                        + " (" + Duration.between(servicesStart, Instant.now()).toSeconds() + " s): " + e.getMessage(), e);
            }
            long allReadyMs = Duration.between(servicesStart, Instant.now()).toMillis();
            out.println("all " + 4 * n + " ready after " + allReadyMs + " ms");
            WebhookSender sender = new WebhookSender(apps, stack, tracker, images);
            try {
                out.println("warm-up: one commit per app");
                List<Commit> warm = sender.step(0, Math.min(2, rates[0] * 2), apps.size());
                StepResult warmUp = settle(warm, 0, 120, tracker);
                out.println("warm-up: " + warmUp.completed + "/" + warm.size() + " deployed");
                if (warmUp.completed == 0) {
                    out.println(stack.logTails(20));
                    throw new IllegalStateException("no warm-up commit was deployed within 120 s: " + warmUp.lostBy);
                }
                List<StepResult> steps = new ArrayList<>();
                int stepNo = 0;
                for (int i = 0; i < rates.length; i++) {
                    double rate = rates[i];
                    int count = (int) Math.ceil(rate * seconds);
                    stepNo++;
                    boolean retry = !steps.isEmpty() && !steps.get(steps.size() - 1).passed;
                    out.printf("step %d: %.1f commits/s for %d s (%d commits)%s%n", stepNo, rate, seconds, count,
                            retry ? ", once more" : "");
                    StepResult step = settle(sender.step(stepNo, rate, count), rate, settleSeconds, tracker);
                    step.attempt = retry ? 2 : 1;
                    steps.add(step);
                    out.printf("  sent %.2f/s, completed %d/%d at %.2f/s, lost %d %s, latency p50 %s p95 %s ms -> %s%n",
                            step.sentRate, step.completed, step.total, step.completedRate, step.lost, step.lostBy,
                            step.latency.path("p50").asText("-"), step.latency.path("p95").asText("-"),
                            step.passed ? "passed" : "FAILED");
                    if (!step.passed) {
                        if (retry) {
                            break;
                        }
                        i--; // a failing rate is offered once more (a stall of this shared machine can fail one step)
                    }
                }
                return result(n, steps, warmUp, stack.readyMs, allReadyMs, Duration.between(begin, Instant.now()));
            } finally {
                sender.close();
            }
        }
    }

    private ObjectNode result(int n, List<StepResult> steps, StepResult warmUp, Map<String, Long> readyMs,
            long allReadyMs, Duration took) {
        StepResult best = null;
        for (StepResult step : steps) {
            if (step.passed) {
                best = step;
            }
        }
        ObjectNode node = EventCodec.mapper().createObjectNode();
        StepResult shown = best != null ? best : steps.get(0);
        if (best != null) {
            node.put("rate", round(best.completedRate));
        } else {
            node.putNull("rate");
        }
        node.put("unit", "commits/s");
        node.put("offered_rate", shown.rate);
        node.put("samples", shown.total);
        node.put("lost", shown.lost);
        node.set("latency", shown.latency);
        node.set("stages_p50_ms", shown.stages);
        node.put("partitions", n);
        ObjectNode instances = node.putObject("instances");
        for (String module : ThroughputStack.MODULES) {
            instances.put(module, n);
        }
        node.put("apps", apps.size());
        node.put("machine", Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version")
                + ", shared with other work (see load_avg_1m per step)");
        node.put("all_ready_ms", allReadyMs);
        node.put("warm_up_deployed", warmUp.completed + "/" + warmUp.total);
        ArrayNode list = node.putArray("steps");
        for (StepResult step : steps) {
            ObjectNode s = list.addObject();
            s.put("offered_rate", step.rate);
            s.put("attempt", step.attempt);
            s.put("sent_rate", round(step.sentRate));
            s.put("completed_rate", round(step.completedRate));
            s.put("samples", step.total);
            s.put("completed", step.completed);
            s.put("lost", step.lost);
            s.put("lost_superseded", step.superseded);
            if (!step.lostBy.isEmpty()) {
                ObjectNode by = s.putObject("lost_at");
                step.lostBy.forEach(by::put);
            }
            s.put("latency_p50_ms", step.latency.path("p50").asDouble());
            s.put("latency_p95_ms", step.latency.path("p95").asDouble());
            s.put("latency_max_ms", step.latency.path("max").asDouble());
            s.set("stages_p50_ms", step.stages);
            s.put("load_avg_1m", step.load);
            s.put("passed", step.passed);
        }
        node.put("measured_at", Instant.now().toString());
        node.put("took_s", took.toSeconds());
        String method = "stepped offered rate: " + seconds + " s per step, rates " + Arrays.toString(rates)
                + " commits/s round-robin over " + apps.size() + " apps (Marathon definitions with instances: 0), each a"
                + " real commit in a bare repo whose image tag was pushed to the registry first (image-exists path),"
                + " announced by a signed generic webhook to the " + n + " git-watcher instance(s) in turn; " + n
                + " partition(s) per topic, " + n + " instance(s) of git-watcher, image-builder, config-syncer and"
                + " marathon-applier. A step passes when every commit's own image is deployed (ServiceDeployed/"
                + "ServiceUpgraded) within " + settleSeconds + " s after the step and the completion rate is >= 90 % of"
                + " the offered rate; a failing rate is offered once more and the ramp stops when it fails again."
                + " rate = completions/s of the highest"
                + " passing step (first to last deployment event); latency = webhook sent -> deployment event timestamp;"
                + " lost = commits of that step not deployed in time. The config repo (file://) has receive.autogc=false"
                + (ThroughputStack.REMOTE_AUTOGC ? " NOT set (-Dbench.throughput.remote-autogc=true)" : "")
                + ": with JGit's default a background GC inside config-syncer raced its pushes and corrupted the repo;"
                + " instead C git's `git gc --auto` (gc.autoPackLimit=16) runs on it every 2 s, as its Git host would.";
        if (best == null) {
            method += " No step passed: rate is null; samples, lost and latency are those of the first step.";
        }
        node.put("note", method);
        return node;
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    /** Waits (bounded) until every commit of a step is resolved, then measures the step. */
    private StepResult settle(List<Commit> commits, double rate, int settle, ThroughputTracker tracker) {
        Instant lastSubmit = Instant.now();
        Instant deadline = lastSubmit.plusSeconds(settle);
        while (Instant.now().isBefore(deadline) && !commits.stream().allMatch(Commit::resolved)) {
            sleep(250);
        }
        return new StepResult(commits, rate, tracker);
    }

    /** The machine's 1-minute load average (other work on this shared machine shows here), or -1. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static void sleep(long millis) {
        sleep(millis, 0);
    }

    static void sleep(long millis, int nanos) {
        try {
            Thread.sleep(millis, nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
