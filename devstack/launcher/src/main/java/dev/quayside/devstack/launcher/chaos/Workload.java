package dev.quayside.devstack.launcher.chaos;

import dev.quayside.devstack.docker.SampleApp;
import dev.quayside.devstack.launcher.Pause;
import dev.quayside.devstack.launcher.LocalRun;
import dev.quayside.devstack.launcher.PipelineStack;
import dev.quayside.devstack.launcher.RegistryImages;
import dev.quayside.devstack.launcher.chaos.FinalState.App;
import dev.quayside.devstack.launcher.chaos.FinalState.Pushed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The chaos harness's workload: {@code apps} app repositories (the busybox sample app, real bare Git repositories with
 * git-watcher's shipped {@code post-receive} hook, and polled too), a config repository with one health-checked,
 * registered and routed Marathon definition per app, and a burst of {@code commits} real commits pushed round-robin
 * over the apps. The first {@code buildApps} apps take image-builder's build path (each commit is built); for the
 * others the commit's image is put in the registry just before the push, so image-builder takes its image-exists
 * path.
 */
public final class Workload {

    public static final String CONFIG_REPO = "chaos-config";
    public static final String ENVIRONMENT = "chaos";
    public static final String BRANCH = "main";
    static final String BASE_REPOSITORY = "quayside-chaos-base";

    /**
     * The size of the workload.
     *
     * @param apps          apps (repositories and definitions)
     * @param buildApps     how many of them take the build path
     * @param commits       commits in the burst, round-robin over the apps
     * @param pushers       threads pushing at once (each owns every {@code pushers}-th app, so one app's commits stay
     *                      in order)
     * @param wideApps      how many apps run 2 instances (a rolling upgrade of several steps), the others 1
     * @param pollInterval  git-watcher's polling of every repository, besides the webhooks
     */
    public record Size(int apps, int buildApps, int commits, int pushers, int wideApps, String pollInterval) {

        public static final Size DEFAULT = new Size(20, 4, 100, 4, 2, "10s");

        public Size {
            if (apps < 1 || buildApps < 0 || buildApps > apps || commits < 1 || pushers < 1 || wideApps > apps) {
                throw new IllegalArgumentException("impossible workload " + this);
            }
        }
    }

    private final Size size;
    private final Path git;
    private final String secret = "chaos-" + Long.toHexString(System.nanoTime());
    private final Map<String, App> apps = new LinkedHashMap<>();
    private final List<Pushed> pushed = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger sent = new AtomicInteger();
    private RegistryImages images;
    private String registry;

    public Workload(Size size, Path home) {
        this.size = size;
        this.git = home.resolve("git");
    }

    public Size size() {
        return size;
    }

    public static String appName(int index) {
        return String.format("chaos-app-%02d", index);
    }

    /** The apps, by name. */
    public Map<String, App> apps() {
        return apps;
    }

    public boolean builds(String app) {
        return List.copyOf(apps.keySet()).indexOf(app) < size.buildApps();
    }

    /** Every commit pushed so far, in push order. */
    public List<Pushed> pushed() {
        synchronized (pushed) {
            return List.copyOf(pushed);
        }
    }

    public int sent() {
        return sent.get();
    }

    public Path repository(String name) {
        return git.resolve(name + ".git");
    }

    public Path workTree(String name) {
        return git.resolve(name + "-work");
    }

    public Path configRepository() {
        return repository(CONFIG_REPO);
    }

    public String secret() {
        return secret;
    }

    /**
     * Pushes the base image once (through {@code directRegistry}, the registry's own port, named in image references
     * as {@code registry}, the address the pipeline uses), seeds every app's image repository with it as
     * {@code :initial}, and creates the repositories. The definitions pin {@code <registry>/<app>:initial@<digest>}.
     */
    public void prepare(String registry, String directRegistry, Path scratch) {
        this.registry = registry;
        images = new RegistryImages(directRegistry, BASE_REPOSITORY);
        images.pushBaseImage(scratch, "0.0.0");
        try {
            Files.createDirectories(git);
            SampleApp.git(null, "init", "-q", "--bare", "-b", BRANCH, configRepository().toString());
            SampleApp.git(configRepository(), "config", "receive.autogc", "false");
            Path config = workTree(CONFIG_REPO);
            SampleApp.git(null, "init", "-q", "-b", BRANCH, config.toString());
            SampleApp.git(config, "remote", "add", "origin", configRepository().toString());
            Files.writeString(config.resolve("README.md"), "Desired state of the chaos run: marathon/" + ENVIRONMENT
                    + "/<app>.json, written back by config-syncer.\n");
            for (int i = 0; i < size.apps(); i++) {
                String app = appName(i);
                images.seedApp(app);
                images.tag(app, "initial");
                String definition = "marathon/" + ENVIRONMENT + "/" + app + ".json";
                Path file = config.resolve(definition);
                Files.createDirectories(file.getParent());
                Files.writeString(file, LocalRun.appDefinition(ENVIRONMENT, app, registry + "/" + app + ":initial@"
                        + images.baseDigest(), i < size.wideApps() ? 2 : 1, "0.01", 16, app + ".chaos.local"));
                apps.put(app, new App(app, definition, "/" + ENVIRONMENT + "/" + app, registry + "/" + app));
                SampleApp.createRepository(repository(app), workTree(app), "0.0.0");
            }
            commitAndPush(config, "The chaos run's apps");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Has git-watcher watch every repository (webhooks and polling) and config-syncer follow the config repo. */
    public void wire(PipelineStack stack) {
        for (String app : apps.keySet()) {
            stack.watch(new PipelineStack.WatchedRepository(app, repository(app).toUri().toString(), "app", secret,
                    BRANCH, size.pollInterval()));
        }
        stack.watch(new PipelineStack.WatchedRepository(CONFIG_REPO, configRepository().toUri().toString(), "config",
                secret, BRANCH, size.pollInterval()));
        stack.configRepository(CONFIG_REPO, configRepository().toUri().toString(), BRANCH);
        stack.environment(ENVIRONMENT, Map.of("rollback", "true", "prune", "true"));
    }

    /** Installs git-watcher's shipped {@code post-receive} hook into every repository, calling {@code webhookUrl}. */
    public void installHooks(Path root, String webhookUrl) {
        apps.keySet().forEach(app -> LocalRun.installHook(root, repository(app), webhookUrl, secret));
        LocalRun.installHook(root, configRepository(), webhookUrl, secret);
    }

    /**
     * Pushes the burst: {@link Size#commits()} commits round-robin over the apps, from {@link Size#pushers()} threads;
     * {@code afterEach} hears the running count after each push (the fault is injected from there, on its own
     * thread). Returns when every commit is pushed.
     */
    public void burst(IntConsumer afterEach) {
        List<List<String>> lanes = new ArrayList<>();
        for (int p = 0; p < size.pushers(); p++) {
            lanes.add(new ArrayList<>());
        }
        List<String> names = List.copyOf(apps.keySet());
        for (int k = 0; k < size.commits(); k++) {
            String app = names.get(k % names.size());
            lanes.get(names.indexOf(app) % size.pushers()).add(app);
        }
        ExecutorService pushers = Executors.newFixedThreadPool(size.pushers());
        try {
            List<Future<?>> lanesDone = new ArrayList<>();
            for (List<String> lane : lanes) {
                lanesDone.add(pushers.submit(() -> {
                    for (String app : lane) {
                        push(app);
                        afterEach.accept(sent.incrementAndGet());
                    }
                }));
            }
            for (Future<?> lane : lanesDone) {
                lane.get(30, TimeUnit.MINUTES);
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the burst did not finish within 30 minutes", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            pushers.shutdownNow();
        }
    }

    /**
     * One commit of {@code app}: a new version, committed; for an image-exists app its image tagged in the registry;
     * then pushed (the hook tells git-watcher, which also polls).
     */
    String push(String app) {
        Path work = workTree(app);
        int version = (int) pushed().stream().filter(p -> p.repository().equals(app)).count() + 1;
        SampleApp.setVersion(work, "1." + version + ".0");
        SampleApp.git(work, "add", "-A");
        SampleApp.git(work, "-c", "user.name=Quayside Chaos", "-c", "user.email=chaos@quayside.invalid", "commit", "-q",
                "-m", app + " version 1." + version + ".0");
        String commit = SampleApp.git(work, "rev-parse", "HEAD").trim();
        if (!builds(app)) {
            images.tag(app, FinalStateChecker.tagOf(commit));
        }
        SampleApp.git(work, "push", "-q", "origin", BRANCH);
        pushed.add(new Pushed(app, "app", commit, Instant.now()));
        return commit;
    }

    /**
     * A person rewrites the config repo's history: the head commit is amended (a file added to it) and force-pushed,
     * leased on the head it saw (a write-back pushed in between makes the lease fail, and the rewrite is tried again
     * on the new head: nothing config-syncer wrote is thrown away). Returns the new head.
     */
    public String forcePushConfig() {
        Path work = workTree(CONFIG_REPO);
        for (int attempt = 1; attempt <= 10; attempt++) {
            SampleApp.git(work, "fetch", "-q", "origin", BRANCH);
            String seen = SampleApp.git(work, "rev-parse", "origin/" + BRANCH).trim();
            SampleApp.git(work, "reset", "-q", "--hard", seen);
            try {
                Files.writeString(work.resolve("NOTES.md"), "History rewritten by the chaos harness at " + Instant.now()
                        + " (the head commit amended and force-pushed).\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            SampleApp.git(work, "add", "-A");
            SampleApp.git(work, "-c", "user.name=Quayside Chaos", "-c", "user.email=chaos@quayside.invalid", "commit",
                    "-q", "--amend", "--no-edit");
            try {
                SampleApp.git(work, "push", "-q", "--force-with-lease=" + BRANCH + ":" + seen, "origin", BRANCH);
                String head = SampleApp.git(work, "rev-parse", "HEAD").trim();
                pushed.add(new Pushed(CONFIG_REPO, "config", head, Instant.now()));
                return head;
            } catch (IllegalStateException leaseFailed) {
                Pause.millis(200);
            }
        }
        throw new IllegalStateException("the config repo's head kept moving: no force push in 10 attempts");
    }

    private static String commitAndPush(Path work, String message) {
        return SampleApp.commitAndPush(work, message);
    }

    /** Removes the local Docker tag of the base image (the registry keeps it). */
    public void close() {
        if (images != null) {
            images.removeLocalTags();
        }
    }

}
