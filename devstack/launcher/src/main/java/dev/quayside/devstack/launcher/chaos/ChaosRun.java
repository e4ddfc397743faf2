package dev.quayside.devstack.launcher.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.devstack.docker.SampleApp;
import dev.quayside.devstack.kafka.KafkaBroker;
import dev.quayside.devstack.launcher.Pause;
import dev.quayside.devstack.launcher.ChainFollower;
import dev.quayside.devstack.launcher.LocalStack;
import dev.quayside.devstack.launcher.PipelineStack;
import dev.quayside.devstack.launcher.chaos.FinalStateChecker.Report;
import dev.quayside.events.EventEnvelope;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one {@link Scenario} end to end: starts a fresh stack (the {@link PipelineStack} with fault proxies in front of
 * Consul, Marathon, Chronos, the registry and Docker, and the scenario's instance counts), prepares the
 * {@link Workload} and lets the initial definitions deploy, pushes the burst and injects the fault when a random
 * commit of the burst has been pushed, heals it, waits for quiescence, reads the {@link FinalState} and checks it.
 *
 * <p><b>Quiescence</b>: no event on any Quayside topic and no notification for {@link Options#quiet()} (15 s by
 * default, longer than git-watcher's 10 s poll and the notifier's 10 s digest window), every pushed commit's chain
 * terminal and no Marathon deployment running — or, while some chain is not terminal, no event for
 * {@link Options#quietIncomplete()} (120 s: time for polling, retries and reconcilers to pick lost work up) — bounded
 * by {@link Options#deadline()} after the burst and the heal. The time to recover is from the heal to the last event
 * or notification before quiescence.
 */
public final class ChaosRun {

    /** The notifier channels, each a webhook to a {@link NotificationReceiver}. */
    public static final List<String> CHANNELS = List.of("ops-a", "ops-b");

    /** The services' compacted state topics (helm-free-deploy/topics.txt). */
    static final List<String> COMPACTED_TOPICS = List.of("quayside.git-watcher.deliveries", "quayside.notifier.sent",
            "quayside.marathon-applier.definitions", "quayside.image-builder.announced");

    /**
     * How to run.
     *
     * @param root            the checkout (the packaged services under it, git-watcher's hook script)
     * @param home            a folder for this run's stacks, one sub-folder per scenario
     * @param size            the workload
     * @param seed            chooses each scenario's fault point and victim (printed, so a run can be repeated)
     * @param readyTimeout    how long a service may take to become ready (all start at once on a busy machine)
     * @param quiet           quiet time that ends a run whose chains are all terminal
     * @param quietIncomplete quiet time that ends a run with chains still open
     * @param deadline        longest wait for quiescence after the burst and the heal
     */
    public record Options(Path root, Path home, Workload.Size size, long seed, Duration readyTimeout, Duration quiet,
            Duration quietIncomplete, Duration deadline) {

        public static Options defaults(Path root, Path home, long seed) {
            return new Options(root, home, Workload.Size.DEFAULT, seed, Duration.ofSeconds(300), Duration.ofSeconds(15),
                    Duration.ofSeconds(120), Duration.ofMinutes(8));
        }

        public Options withSize(Workload.Size size) {
            return new Options(root, home, size, seed, readyTimeout, quiet, quietIncomplete, deadline);
        }

        public Options withTimes(Duration quiet, Duration quietIncomplete, Duration deadline) {
            return new Options(root, home, size, seed, readyTimeout, quiet, quietIncomplete, deadline);
        }
    }

    /**
     * What one scenario measured.
     *
     * @param faultAtCommit  the burst commit after which the fault was injected
     * @param recoverSeconds heal → the last event or notification before quiescence (0 when nothing followed the heal)
     * @param quiet          whether quiescence came before the deadline
     * @param error          why the scenario could not run to the end, or null
     */
    public record Result(String scenario, String description, long seed, int faultAtCommit, String fault,
            Report report, double recoverSeconds, boolean quiet, double quietAfterSeconds, double tookSeconds,
            Instant startedAt, String error) {
    }

    private final Options options;
    private final PrintStream out;

    public ChaosRun(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** Runs {@code scenario} on a fresh stack, which is stopped again whatever happens. */
    public Result run(Scenario scenario) {
        Instant started = Instant.now();
        long seed = options.seed() ^ scenario.name().hashCode();
        Random random = new Random(seed);
        int commits = options.size().commits();
        int faultAt = Math.max(1, commits / 10 + random.nextInt(Math.max(1, commits * 8 / 10)));
        Path home = options.home().resolve(scenario.name());
        log(scenario.name() + ": " + scenario.description() + " (seed " + seed + ", fault after commit " + faultAt
                + " of " + commits + ", home " + home + ")");
        Workload workload = new Workload(options.size(), home);
        PipelineStack stack = null;
        EventLog events = null;
        ExecutorService faults = Executors.newSingleThreadExecutor(r -> new Thread(r, "chaos-fault"));
        try (NotificationReceiver receiver = new NotificationReceiver(CHANNELS)) {
            Files.createDirectories(home);
            Map<String, String> properties = new LinkedHashMap<>(receiver.notifierProperties(workload.secret()));
            properties.put("notifier:quayside.notifier.digest.window", "10s");
            // PipelineStack has registrator see only this stand-in's tasks (the Docker engine is shared)
            String standInId = "chaos-" + Long.toHexString(System.nanoTime());
            // HAProxy's start and reloads take longer than the default 10 s on a 2-core machine this loaded
            properties.put("edge-router:quayside.edge-router.haproxy.command-timeout", "30s");
            PipelineStack.Spec spec = new PipelineStack.Spec(home)
                    .parts(LocalStack.Options.of(LocalStack.RANDOM, Duration.ofSeconds(60), standInId)
                            .withFaultProxies(true))
                    .extraProperties(properties).startAttempts(2);
            scenario.instances().forEach(spec::instances);
            stack = PipelineStack.start(spec);
            // the services' own compacted topics exist before they start, as helm-free-deploy/topics.txt creates them
            // in production (git-watcher creating its de-duplication topic at start under load could leave its reader
            // unassigned and the service never ready)
            KafkaBroker.createTopics(stack.parts().kafkaBootstrap(), 1, COMPACTED_TOPICS,
                    Map.of("cleanup.policy", "compact"));
            workload.prepare(stack.parts().registryAddress(), stack.parts().directRegistryAddress(),
                    home.resolve("scratch"));
            workload.wire(stack);
            log("starting the services" + (scenario.instances().isEmpty() ? "" : " (instances " + scenario.instances()
                    + ")"));
            stack.startServices(options.root(), options.readyTimeout());
            workload.installHooks(options.root(), stack.webhookUrls().get(0));
            events = new EventLog(stack.parts().kafkaBootstrap());
            deployInitialDefinitions(stack, workload, events);

            PipelineStack running = stack;
            AtomicBoolean fired = new AtomicBoolean();
            Future<?>[] fault = new Future<?>[1];
            Scenario.Context context = context(running, workload, random);
            Instant burstStart = Instant.now();
            workload.burst(count -> {
                if (count >= faultAt && fired.compareAndSet(false, true)) {
                    fault[0] = faults.submit(() -> scenario.fault().inject(context));
                }
            });
            log(String.format("burst of %d commits pushed in %.1f s", workload.sent(),
                    Duration.between(burstStart, Instant.now()).toMillis() / 1000.0));
            if (fault[0] == null) {
                throw new IllegalStateException("the burst ended before its commit " + faultAt + ": no fault injected");
            }
            Scenario.Injection injection = (Scenario.Injection) fault[0].get(Scenario.OUTAGE.toSeconds()
                    + options.readyTimeout().toSeconds() + 300, TimeUnit.SECONDS);
            log("fault: " + injection.what() + "; healed " + Duration.between(injection.injected(), injection.healed())
                    .toMillis() / 1000.0 + " s after it started");
            Instant from = Instant.now();
            boolean quiet = awaitQuiescence(stack, workload, events, receiver);
            Instant lastActivity = max(events.last(), receiver.last());
            double recover = Math.max(0, Duration.between(injection.healed(), lastActivity).toMillis() / 1000.0);
            log((quiet ? "quiet" : "NOT quiet by the deadline") + " after " + Duration.between(from, Instant.now())
                    .toSeconds() + " s; reading the final state");
            FinalState state = FinalStateReader.read(sources(stack, workload), workload.apps(), workload.pushed(),
                    events.events(), receiver.received());
            Report report = FinalStateChecker.check(state);
            writeReport(home, report);
            Result result = new Result(scenario.name(), scenario.description(), seed, faultAt, injection.what(), report,
                    recover, quiet, Duration.between(from, Instant.now()).toMillis() / 1000.0,
                    Duration.between(started, Instant.now()).toMillis() / 1000.0, started, null);
            log(summary(result));
            return result;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String error = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
                    ? e.getCause().toString() : e.toString();
            log(scenario.name() + " FAILED to run: " + error);
            if (stack != null) {
                out.println(stack.logTails(15));
            }
            return new Result(scenario.name(), scenario.description(), seed, faultAt, null, null, 0, false, 0,
                    Duration.between(started, Instant.now()).toMillis() / 1000.0, started, error);
        } finally {
            faults.shutdownNow();
            if (events != null) {
                events.close();
            }
            if (stack != null) {
                stack.close();
            }
            workload.close();
        }
    }

    /**
     * The definitions reach KV and Marathon through the pipeline itself: a commit to the config repo (its webhook makes
     * config-syncer's first full sync); then waits until Marathon runs every app healthy and the event log is quiet.
     */
    private void deployInitialDefinitions(PipelineStack stack, Workload workload, EventLog events) throws IOException {
        Path config = workload.workTree(Workload.CONFIG_REPO);
        Files.writeString(config.resolve("README.md"), Files.readString(config.resolve("README.md"))
                + "Chaos run started " + Instant.now() + ".\n");
        SampleApp.commitAndPush(config, "Chaos run: first sync");
        Instant deadline = Instant.now().plus(Duration.ofMinutes(6));
        String marathon = stack.parts().marathonUrl();
        int healthy = 0;
        while (Instant.now().isBefore(deadline)) {
            JsonNode apps = FinalStateReader.json(marathon + "/v2/apps", false).path("apps");
            healthy = 0;
            for (JsonNode app : apps) {
                if (app.path("tasksHealthy").asInt() >= app.path("instances").asInt() && app.path("deployments").isEmpty()) {
                    healthy++;
                }
            }
            if (healthy >= workload.apps().size()
                    && Duration.between(events.last(), Instant.now()).compareTo(Duration.ofSeconds(5)) >= 0) {
                log("initial definitions deployed: " + healthy + " apps healthy on Marathon");
                return;
            }
            Pause.millis(1000);
        }
        throw new IllegalStateException("only " + healthy + " of " + workload.apps().size()
                + " apps were deployed and healthy 6 minutes after the first sync");
    }

    private boolean awaitQuiescence(PipelineStack stack, Workload workload, EventLog events,
            NotificationReceiver receiver) {
        Instant deadline = Instant.now().plus(options.deadline());
        while (Instant.now().isBefore(deadline)) {
            Pause.millis(1000);
            Duration idle = Duration.between(max(events.last(), receiver.last()), Instant.now());
            if (idle.compareTo(options.quiet()) < 0) {
                continue;
            }
            boolean terminal = ChainOutcomes.of(workload.pushed(), events.events()).stream()
                    .allMatch(ChainOutcomes.ChainStatus::terminal);
            boolean deploying;
            try {
                deploying = FinalStateReader.json(stack.parts().marathonUrl() + "/v2/deployments", false).size() > 0;
            } catch (RuntimeException e) {
                deploying = true;
            }
            if ((terminal && !deploying) || idle.compareTo(options.quietIncomplete()) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static FinalStateReader.Sources sources(PipelineStack stack, Workload workload) {
        LocalStack parts = stack.parts();
        return new FinalStateReader.Sources(parts.registry().storage(), workload.configRepository(),
                Workload.CONFIG_REPO, Workload.BRANCH, parts.consulUrl(), parts.marathonUrl(), parts.chronosUrl(),
                stack.instances("edge-router").isEmpty() ? null : stack.haproxyMasterSocket(), stack.haproxyConfig());
    }

    private Scenario.Context context(PipelineStack stack, Workload workload, Random random) {
        return new Scenario.Context() {
            @Override
            public PipelineStack stack() {
                return stack;
            }

            @Override
            public Workload workload() {
                return workload;
            }

            @Override
            public Random random() {
                return random;
            }

            @Override
            public Duration readyTimeout() {
                return options.readyTimeout();
            }

            @Override
            public void log(String line) {
                ChaosRun.this.log(line);
            }
        };
    }

    private static void writeReport(Path home, Report report) {
        List<String> lines = new ArrayList<>();
        lines.add("commits sent " + report.commitsSent() + ", terminal " + report.chainsTerminal() + ", silent "
                + report.silent() + ", lost " + report.lost() + ", rolled back " + report.rolledBack() + ", duplicated " + report.duplicated() + ", redelivered "
                + report.redelivered());
        FinalStateChecker.sorted(report.findings()).forEach(f -> lines.add(f.toString()));
        try {
            Files.write(home.resolve("findings.txt"), lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One line about a result. */
    public static String summary(Result result) {
        if (result.error() != null) {
            return result.scenario() + ": did not run to the end: " + result.error();
        }
        Report report = result.report();
        return String.format("%s: %d commits, %d terminal, %d silent, %d lost, %d rolled back, duplicated %s,"
                + " recovered in %.1f s%s; findings %s", result.scenario(), report.commitsSent(), report.chainsTerminal(),
                report.silent(), report.lost(), report.rolledBack(), report.duplicated(), result.recoverSeconds(), result.quiet() ? "" : " (NOT quiet)",
                report.byKind());
    }

    private void log(String line) {
        out.printf("%s [chaos] %s%n", Instant.now(), line);
        out.flush();
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }


    /** Every event on the Quayside topics from the beginning, read on its own thread; when the last one arrived. */
    static final class EventLog implements AutoCloseable {
        private final List<EventEnvelope<?>> events = new ArrayList<>();
        private final ChainFollower follower;
        private volatile Instant last = Instant.now();

        EventLog(String bootstrap) {
            follower = new ChainFollower(bootstrap, true).inBackground("chaos-event-log", seen -> {
                synchronized (events) {
                    events.add(seen.event());
                }
                last = Instant.now();
            });
        }

        List<EventEnvelope<?>> events() {
            synchronized (events) {
                return List.copyOf(events);
            }
        }

        Instant last() {
            return last;
        }

        @Override
        public void close() {
            follower.close();
        }
    }
}
