package dev.quayside.devstack.launcher;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bin/quayside up}: starts the whole pipeline on this machine (default ports), pushes one commit of the
 * sample app and shows it going through every stage, then keeps running until {@code bin/quayside down}.
 * {@code --push-sample} pushes another commit to a running local run and follows it. The services record their
 * class-data archives during a run when theirs are missing or older than the build (written at {@code down});
 * {@code --train} does only that: a local run on free ports, one commit followed to live, then everything stopped.
 * {@code --on-marathon} runs the services as Marathon apps instead ({@link OnMarathon}). The last line is
 * {@code QUAYSIDE UP} or {@code QUAYSIDE FAILED: <why>}, for the script that waits on it.
 */
public final class QuaysideUp {

    public static final int FRONTEND_PORT = 8000;

    private QuaysideUp() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("quayside.root", ".")).toAbsolutePath().normalize();
        Path home = Path.of(System.getProperty("quayside.home", root.resolve(".quayside").toString()));
        PrintStream out = System.out;
        if (args.length > 0 && args[0].equals("--push-sample")) {
            System.exit(pushSample(home, out) ? 0 : 1);
        }
        if (args.length > 0 && args[0].equals("--train")) {
            System.exit(train(root, home, out) ? 0 : 1);
        }
        if (args.length > 0 && args[0].equals("--on-marathon")) {
            onMarathon(root, home, out);
            return;
        }
        LocalRun run = null;
        try {
            out.println("[1/4] devstack: Kafka, registry, Consul stand-in, two Marathon stand-ins (local and staging;"
                    + " prod) and Chronos");
            run = LocalRun.start(new LocalRun.Options(root, home, true, FRONTEND_PORT, Map.of(), Duration.ofSeconds(60))
                    .withClassArchive(ServiceProcess.ClassArchive.USE_OR_RECORD).withPromotion());
            LocalRun started = run;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "quayside-down"));
            out.println("      Kafka " + run.stack().kafkaBootstrap() + ", registry " + run.stack().registryAddress()
                    + ", Consul " + run.stack().consulUrl() + ", Marathon " + run.stack().marathonUrl() + " and "
                    + run.stack().secondMarathonUrl() + " (prod), Chronos " + run.stack().chronosUrl());
            out.println("[2/4] sample repositories in " + home.resolve("git"));
            run.createRepositories();
            out.println("[3/4] the seven services and the board (logs in " + home.resolve("logs") + ")");
            run.startServices();
            run.installHooks();
            run.services().forEach((name, service) -> out.printf("      %-17s %s/q/health/ready%n", name, service.url()));
            out.println("[4/4] pushing a commit of the sample app and following it:");
            String version = nextVersion();
            LocalRun current = run;
            PipelineWatch.Result result = PipelineWatch.pushAndFollow(run.stack().kafkaBootstrap(), FRONTEND_PORT,
                    LocalRun.APP_REPO, version, () -> current.pushSampleVersion(version), Duration.ofMinutes(5), out);
            if (!result.live()) {
                out.println(run.logTails(15));
                out.println("QUAYSIDE FAILED: " + result.failure());
                System.exit(1);
            }
            summary(run, out, result);
            out.println("QUAYSIDE UP");
            out.flush();
            new CountDownLatch(1).await(); // until bin/quayside down
        } catch (RuntimeException e) {
            if (run != null) {
                out.println(run.logTails(15));
            }
            out.println("QUAYSIDE FAILED: " + e.getMessage());
            out.flush();
            System.exit(1);
        }
    }

    /**
     * {@code --on-marathon}: Quayside itself as Marathon apps ({@link OnMarathon}), a commit of the sample app through
     * the containers, then running until {@code bin/quayside down}.
     */
    static void onMarathon(Path root, Path home, PrintStream out) throws InterruptedException {
        OnMarathon mesh = null;
        try {
            long start = System.nanoTime();
            out.println("[1/6] devstack: Kafka, registry, Consul stand-in, Marathon stand-in (host networking)");
            mesh = OnMarathon.start(new OnMarathon.Options(root, home, true, Duration.ofMinutes(6)));
            OnMarathon started = mesh;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "quayside-down"));
            LocalStack parts = mesh.stack();
            out.println("      Kafka " + parts.kafkaBootstrap() + ", registry " + parts.registryAddress() + ", Consul "
                    + parts.consulUrl() + ", Marathon " + parts.marathonUrl());
            mesh.deploy(out);
            PipelineWatch.Result result = mesh.pushSample(nextVersion(), Duration.ofMinutes(5), out);
            if (!result.live()) {
                for (String id : mesh.appIds()) {
                    out.println("---- " + id + "\n" + mesh.containerLog(id));
                }
                out.println("QUAYSIDE FAILED: " + result.failure());
                out.flush();
                System.exit(1);
            }
            out.println();
            out.printf("Commit to live in %.1f s through the containerised mesh; up in %.0f s.%n",
                    result.elapsed().toMillis() / 1000.0, (System.nanoTime() - start) / 1e9);
            out.println("  the app through HAProxy:  curl http://127.0.0.1:" + OnMarathon.FRONTEND_PORT + "/version");
            out.println("  Quayside's apps:          " + parts.marathonUrl() + "/v2/apps?id=/quayside");
            out.println("  their settings, secrets:  " + mesh.configDir() + ", " + mesh.secretsDir());
            out.println("  Consul stand-in:          " + parts.consulUrl() + "/v1/catalog/services");
            out.println("  sample app repository:    " + mesh.run().appWorkTree() + " (bin/quayside push-sample)");
            out.println("  stop:                     bin/quayside down (the containers too)");
            out.println("QUAYSIDE UP");
            out.flush();
            new CountDownLatch(1).await(); // until bin/quayside down
        } catch (RuntimeException e) {
            out.println("QUAYSIDE FAILED: " + e.getMessage());
            out.flush();
            System.exit(1);
        }
    }

    private static void summary(LocalRun run, PrintStream out, PipelineWatch.Result result) {
        out.println();
        out.printf("Commit to live in %.1f s.%n", result.elapsed().toMillis() / 1000.0);
        out.println("  the app through HAProxy:  curl http://127.0.0.1:" + FRONTEND_PORT + "/   (and /version, /health)");
        LocalRun.Chain chain = LocalRun.Chain.LOCAL_RUN;
        out.printf("  %-24s  curl -H 'Host: %s' http://127.0.0.1:%d/version   (promoted from %s)%n",
                "staging, after " + chain.stagingSoak() + ":", LocalRun.STAGING_HOST, FRONTEND_PORT,
                LocalRun.ENVIRONMENT);
        out.println("  prod, once approved:      curl -H 'Host: " + LocalRun.PROD_HOST + "' http://127.0.0.1:"
                + FRONTEND_PORT + "/version   (promoted from " + LocalRun.STAGING_ENVIRONMENT + ", 06:00-22:00 UTC)");
        out.println("                            bin/quayside promotions, then bin/quayside approve " + LocalRun.APP_REPO
                + " " + LocalRun.PROMOTED_ENVIRONMENT + " (or the board's Approve); gates: quayside.yml");
        run.pipeline().instances("board").stream().findFirst().ifPresent(board -> out.println(
                "  the board:                " + board.url() + "/   (bin/quayside history | follow | logs | sync)"));
        out.println("  Consul stand-in:          " + run.stack().consulUrl() + "/v1/kv/?recurse   /v1/catalog/services");
        out.println("  Marathon stand-ins:       " + run.stack().marathonUrl() + "/v2/apps (local, staging), "
                + run.stack().secondMarathonUrl() + "/v2/apps (prod)");
        out.println("  Chronos stand-in:         " + run.stack().chronosUrl() + "/v1/scheduler/jobs");
        out.println("  Kafka:                    " + run.stack().kafkaBootstrap() + " (topics quayside.*)");
        out.println("  registry:                 http://" + run.stack().registryAddress() + "/v2/_catalog");
        out.println("  sample app repository:    " + run.appWorkTree() + " (push to it: bin/quayside push-sample)");
        out.println("  config repository:        " + run.configWorkTree() + " (git pull to see the write-backs)");
        out.println("  status / stop:            bin/quayside status, bin/quayside down");
    }

    /**
     * {@code --train}: records the class-data archive of every service whose archive is missing or older than its
     * build, from a run that starts the services, takes one commit of the sample app to live and stops them.
     */
    static boolean train(Path root, Path home, PrintStream out) {
        List<String> stale = LocalRun.SERVICES.keySet().stream()
                .filter(service -> !ServiceProcess.hasCurrentArchive(ServiceProcess.appOf(root, service)))
                .toList();
        if (stale.isEmpty()) {
            out.println("QUAYSIDE TRAINED: every service's class-data archive is current");
            return true;
        }
        // a fresh home each time: the run's repositories name its registry's (random) port
        Path trainingHome = home.resolve("training");
        deleteTree(trainingHome);
        try (LocalRun run = LocalRun.start(new LocalRun.Options(root, trainingHome, false, 0, Map.of(),
                Duration.ofSeconds(60)).withClassArchive(ServiceProcess.ClassArchive.USE_OR_RECORD))) {
            run.createRepositories();
            run.startServices();
            run.installHooks();
            String version = nextVersion();
            PipelineWatch.Result result = PipelineWatch.pushAndFollow(run.stack().kafkaBootstrap(), run.frontendPort(),
                    LocalRun.APP_REPO, version, () -> run.pushSampleVersion(version), Duration.ofMinutes(5), out);
            if (!result.live()) {
                out.println(run.logTails(15));
                out.println("QUAYSIDE FAILED: the training run did not go live: " + result.failure());
                return false;
            }
        }
        List<String> missing = stale.stream()
                .filter(service -> !ServiceProcess.hasCurrentArchive(ServiceProcess.appOf(root, service))).toList();
        if (!missing.isEmpty()) {
            out.println("QUAYSIDE FAILED: no class-data archive was written for " + missing + " (logs in "
                    + trainingHome.resolve("logs") + ")");
            return false;
        }
        out.println("QUAYSIDE TRAINED: class-data archives recorded for " + stale);
        return true;
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("could not delete " + root, e);
        }
    }

    /** {@code --push-sample}: a new commit to the running local run's sample app, followed to HAProxy. */
    static boolean pushSample(Path home, PrintStream out) {
        Path work = home.resolve("git").resolve(LocalRun.APP_REPO + "-work");
        if (!Files.isDirectory(work)) {
            out.println("QUAYSIDE FAILED: no local run in " + home + ": start one with bin/quayside up");
            return false;
        }
        String version = nextVersion();
        PipelineWatch.Result result = PipelineWatch.pushAndFollow("127.0.0.1:9092", FRONTEND_PORT, LocalRun.APP_REPO,
                version, () -> {
                    dev.quayside.devstack.docker.SampleApp.git(work, "pull", "-q", "--rebase", "origin", "main");
                    dev.quayside.devstack.docker.SampleApp.setVersion(work, version);
                    return dev.quayside.devstack.docker.SampleApp.commitAndPush(work, "Serve version " + version);
                }, Duration.ofMinutes(5), out);
        out.println(result.live() ? String.format("QUAYSIDE UP: version %s live in %.1f s", version,
                result.elapsed().toMillis() / 1000.0) : "QUAYSIDE FAILED: " + result.failure());
        return result.live();
    }

    static String nextVersion() {
        return "1." + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd.HHmmss"));
    }
}
