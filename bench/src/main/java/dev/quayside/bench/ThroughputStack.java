package dev.quayside.bench;

import dev.quayside.devstack.docker.SampleApp;
import dev.quayside.devstack.launcher.LocalStack;
import dev.quayside.devstack.launcher.PipelineStack;
import dev.quayside.devstack.launcher.RegistryImages;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One configuration of the throughput benchmark, assembled by the {@link PipelineStack}: a fresh Kafka broker whose
 * topics have {@code n} partitions, the Consul and Marathon stand-ins, one bare Git repository per app (its commits
 * made up front with {@code git fast-import}, the branch moved to each commit just before its webhook) and a config
 * repository with one Marathon definition per app, then {@code n} instances each of git-watcher, image-builder,
 * config-syncer and marathon-applier. The registry is shared by all configurations.
 */
final class ThroughputStack implements AutoCloseable {

    static final String CONFIG_REPO = "bench-config";
    static final String ENVIRONMENT = "bench";
    static final List<String> MODULES = List.of("git-watcher", "image-builder", "config-syncer", "marathon-applier");
    static final boolean REMOTE_AUTOGC = Boolean.getBoolean("bench.throughput.remote-autogc");

    final int instances;
    final Path home;
    final String secret;
    final PipelineStack pipeline;
    final Map<String, Long> readyMs = new LinkedHashMap<>();
    /** Per app: the initial commit, then the commits to push, oldest first. */
    final Map<String, List<String>> commits = new LinkedHashMap<>();
    /** Runs {@code git gc --auto} on the config repository, as its Git host would (see {@link #tendConfigRepository}). */
    private final ScheduledExecutorService host = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "git-host-maintenance");
        thread.setDaemon(true);
        return thread;
    });

    private ThroughputStack(int instances, Path home, PipelineStack pipeline) {
        this.instances = instances;
        this.home = home;
        this.pipeline = pipeline;
        this.secret = "throughput-" + Long.toHexString(System.nanoTime());
    }

    /** Starts Kafka (topics with {@code instances} partitions), Consul and Marathon, and creates the repositories. */
    static ThroughputStack start(int instances, Path home, String registry, List<String> apps, int commitsPerApp) {
        PipelineStack pipeline = PipelineStack.start(new PipelineStack.Spec(home)
                .parts(LocalStack.Options.of(LocalStack.RANDOM, Duration.ofSeconds(60), null)
                        .withPartitions(instances, Map.of()).withExternalRegistry(registry))
                .only(MODULES, instances));
        ThroughputStack stack = new ThroughputStack(instances, home, pipeline);
        try {
            stack.createRepositories(registry, apps, commitsPerApp);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    String kafkaBootstrap() {
        return pipeline.parts().kafkaBootstrap();
    }

    Path appRepository(String app) {
        return home.resolve("git").resolve(app + ".git");
    }

    Path configRepository() {
        return home.resolve("git").resolve(CONFIG_REPO + ".git");
    }

    private void createRepositories(String registry, List<String> apps, int commitsPerApp) {
        StringBuilder config = new StringBuilder();
        long time = 1_790_000_000L;
        config.append(commitHeader("refs/heads/main", time, "Throughput benchmark definitions"));
        config.append(file("README.md", "marathon/" + ENVIRONMENT + "/<app>.json, written back by config-syncer.\n"));
        for (String app : apps) {
            config.append(file("marathon/" + ENVIRONMENT + "/" + app + ".json", definition(app,
                    registry + "/" + app + ":" + RegistryImages.BASE_TAG)));
            StringBuilder stream = new StringBuilder();
            stream.append(commitHeader("refs/heads/main", time, app + " 0"));
            stream.append(file("Dockerfile", "FROM scratch\nCOPY version /version\n"));
            stream.append(file("version", "0\n"));
            stream.append('\n');
            for (int i = 1; i <= commitsPerApp; i++) {
                stream.append(commitHeader("refs/bench/pending", time + i, app + " " + i));
                if (i == 1) {
                    stream.append("from refs/heads/main\n");
                }
                stream.append(file("version", i + "\n")).append('\n');
            }
            Path bare = appRepository(app);
            SampleApp.git(null, "init", "-q", "--bare", "-b", "main", bare.toString());
            fastImport(bare, stream.toString());
            List<String> shas = new ArrayList<>();
            shas.add(SampleApp.git(bare, "rev-parse", "refs/heads/main").trim());
            for (String line : SampleApp.git(bare, "rev-list", "--reverse", "refs/heads/main..refs/bench/pending")
                    .split("\n")) {
                if (!line.isBlank()) {
                    shas.add(line.trim());
                }
            }
            commits.put(app, shas);
        }
        config.append('\n');
        SampleApp.git(null, "init", "-q", "--bare", "-b", "main", configRepository().toString());
        fastImport(configRepository(), config.toString());
        if (!REMOTE_AUTOGC) {
            // The config repo stands for a Git server. Reached through file://, its receive side runs inside each
            // config-syncer JVM (JGit), whose receive.autogc default starts a background GC after pushes; under
            // sustained write-backs that GC raced the next push and corrupted the repository (a pack without index,
            // main pointing at a missing commit). -Dbench.throughput.remote-autogc=true keeps JGit's default. The
            // host's own maintenance, C git's, tends it instead (gc.auto=0 would turn that off too).
            SampleApp.git(configRepository(), "config", "receive.autogc", "false");
            SampleApp.git(configRepository(), "config", "gc.autoPackLimit", "16");
            host.scheduleWithFixedDelay(this::tendConfigRepository, 2, 2, TimeUnit.SECONDS);
        }
    }

    /**
     * What a Git host does for a repository pushed to all day: C git's {@code git gc --auto}, which repacks once more
     * than {@code gc.autoPackLimit} packs pile up (each push through JGit is a pack of its own) and keeps the objects of
     * a pack it replaces that nothing references yet as loose objects, so a push landing during the repack loses
     * nothing. Without it the config repository held 449 packs after one configuration's run, and every fetch and push
     * searched them all.
     */
    private void tendConfigRepository() {
        try {
            SampleApp.git(configRepository(), "-c", "gc.autoDetach=false", "gc", "--auto", "--quiet");
        } catch (RuntimeException e) {
            System.err.println("git gc --auto of " + configRepository() + " failed (tried again in 2 s): "
                    + e.getMessage());
        }
    }

    /** A Marathon app with no instances: Marathon records the new definition and runs no container. */
    static String definition(String app, String image) {
        return "{\n"
                + "  \"id\": \"/" + ENVIRONMENT + "/" + app + "\",\n"
                + "  \"instances\": 0,\n"
                + "  \"cpus\": 0.01,\n"
                + "  \"mem\": 16,\n"
                + "  \"container\": {\n"
                + "    \"type\": \"DOCKER\",\n"
                + "    \"docker\": {\n"
                + "      \"image\": \"" + image + "\",\n"
                + "      \"network\": \"BRIDGE\"\n"
                + "    }\n"
                + "  },\n"
                + "  \"labels\": {\"quayside.bench\": \"throughput\"}\n"
                + "}\n";
    }

    private static String commitHeader(String ref, long time, String message) {
        return "commit " + ref + "\ncommitter Quayside Bench <bench@quayside.invalid> " + time + " +0000\n"
                + data(message + "\n");
    }

    private static String file(String path, String content) {
        return "M 100644 inline " + path + "\n" + data(content);
    }

    private static String data(String content) {
        return "data " + content.getBytes(StandardCharsets.UTF_8).length + "\n" + content + "\n";
    }

    private static void fastImport(Path bare, String stream) {
        try {
            Process process = new ProcessBuilder("git", "fast-import", "--quiet").directory(bare.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(stream.getBytes(StandardCharsets.UTF_8));
            }
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("git fast-import failed in " + bare);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Moves {@code main} of the app's bare repository to {@code sha} the way Git does (a loose ref written to a lock
     * file and renamed over the old one): the push that the webhook then reports.
     */
    void moveBranch(String app, String sha) {
        try {
            Path ref = appRepository(app).resolve("refs/heads/main");
            Path lock = ref.resolveSibling("main.lock");
            Files.writeString(lock, sha + "\n");
            Files.move(lock, ref, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code instances} JVMs of each module at once and waits (bounded) until every one is ready. */
    void startServices(Path root, List<String> apps, Duration readyTimeout) {
        for (String app : apps) {
            pipeline.watch(new PipelineStack.WatchedRepository(app, appRepository(app).toUri().toString(), "app",
                    secret, "main", null));
        }
        pipeline.configRepository(CONFIG_REPO, configRepository().toUri().toString(), "main");
        pipeline.startServices(root, readyTimeout);
        pipeline.readyAfter().forEach((id, duration) -> readyMs.put(id, duration.toMillis()));
    }

    /** git-watcher's generic webhook URLs, one per instance. */
    List<String> webhookUrls() {
        return pipeline.webhookUrls();
    }

    /** The last log lines of every instance, for a failure report. */
    String logTails(int lines) {
        return pipeline.logTails(lines);
    }

    @Override
    public void close() {
        host.shutdownNow();
        pipeline.close();
    }

}
