package dev.quayside.devstack.launcher;

import dev.quayside.devstack.docker.SampleApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole pipeline on this machine: the seven services assembled by the {@link PipelineStack} (one instance each),
 * and two bare Git repositories — the sample app and the deployment-config repo — whose {@code post-receive} hooks call
 * git-watcher. Used by {@code bin/quayside up} (fixed ports) and the e2e suite (random ports). Benchmarks may add
 * more app repositories and definitions ({@link ExtraApps}).
 */
public final class LocalRun implements AutoCloseable {

    /** The services, in start order, with their default ports. */
    public static final Map<String, Integer> SERVICES = PipelineStack.SERVICES;

    public static final String APP_REPO = "sample-app";
    public static final String CONFIG_REPO = "deploy-config";
    public static final String ENVIRONMENT = "local";
    /**
     * The environment promoted from {@link #ENVIRONMENT} after a soak there, when {@link Options#promotion()}: the same
     * Marathon, app id {@code /staging/sample-app}, routed at the host {@value #STAGING_HOST}.
     */
    public static final String STAGING_ENVIRONMENT = "staging";
    public static final String STAGING_HOST = "sample-app.staging.local";
    /**
     * The environment promoted from {@link #STAGING_ENVIRONMENT} behind a manual approval and a deployment window,
     * when {@link Options#promotion()}: on a Marathon of its own (the stack's second stand-in), app id
     * {@code /prod/sample-app}, routed at the host {@value #PROD_HOST}.
     */
    public static final String PROMOTED_ENVIRONMENT = "prod";
    public static final String PROD_HOST = "sample-app.prod.local";
    /** The second Marathon stand-in's port in the local run with fixed ports (the first one's is 8080). */
    public static final int PROD_MARATHON_PORT = 8090;

    /**
     * The gates of the promotion chain {@code local → staging → prod} ({@code quayside.yml}, docs/config-syncer.md):
     * {@code staging} after {@code stagingSoak} in {@code local}; {@code prod} after an approval, {@code prodSoak} in
     * {@code staging} (null: none) and inside {@code prodWindows} (a YAML flow list of windows; null: always).
     */
    public record Chain(String stagingSoak, String prodSoak, String prodWindows) {

        /**
         * {@code bin/quayside up}'s: staging after 30 s in local; prod after an approval, every day between 06:00 and
         * 22:00 UTC.
         */
        public static final Chain LOCAL_RUN = new Chain("30s", null,
                "[{ schedule: \"0 6 * * *\", duration: 16h, time-zone: UTC }]");

        public Chain {
            if (stagingSoak == null || stagingSoak.isBlank()) {
                throw new IllegalArgumentException("staging needs a soak time in local, e.g. 10s");
            }
        }

        /** The {@code quayside.yml} of this chain. */
        public String quaysideYml() {
            return "# what feeds each environment, and the gates in front of a promotion (docs/config-syncer.md)\n"
                    + "environments:\n"
                    + "  " + ENVIRONMENT + ": { branches: [main] }\n"
                    + "  " + STAGING_ENVIRONMENT + ": { promote-from: " + ENVIRONMENT + ", soak: " + stagingSoak
                    + " }\n"
                    + "  " + PROMOTED_ENVIRONMENT + ":\n"
                    + "    promote-from: " + STAGING_ENVIRONMENT + "\n"
                    + "    approval: required\n"
                    + (prodSoak == null ? "" : "    soak: " + prodSoak + "\n")
                    + (prodWindows == null ? "" : "    windows: " + prodWindows + "\n");
        }
    }

    /** How to run; {@code extraApps} adds benchmark apps (none for {@code bin/quayside up}, e2e and PipelineBench). */
    public record Options(Path root, Path home, boolean fixedPorts, int frontendPort, Map<String, String> extraProperties,
            Duration deploymentTimeout, ExtraApps extraApps, ServiceProcess.ClassArchive classArchive,
            dev.quayside.devstack.kafka.KafkaBroker.Scram kafkaScram, Chain promotion) {

        public Options(Path root, Path home, boolean fixedPorts, int frontendPort, Map<String, String> extraProperties,
                Duration deploymentTimeout, ExtraApps extraApps) {
            this(root, home, fixedPorts, frontendPort, extraProperties, deploymentTimeout, extraApps,
                    ServiceProcess.ClassArchive.USE, null, null);
        }

        public Options(Path root, Path home, boolean fixedPorts, int frontendPort, Map<String, String> extraProperties,
                Duration deploymentTimeout) {
            this(root, home, fixedPorts, frontendPort, extraProperties, deploymentTimeout, ExtraApps.NONE);
        }

        /** These options with the services' class-data archives handled as {@code archive} says. */
        public Options withClassArchive(ServiceProcess.ClassArchive archive) {
            return new Options(root, home, fixedPorts, frontendPort, extraProperties, deploymentTimeout, extraApps,
                    archive, kafkaScram, promotion);
        }

        /** {@link #withPromotion(Chain)} with {@code bin/quayside up}'s gates, {@link Chain#LOCAL_RUN}. */
        public Options withPromotion() {
            return withPromotion(Chain.LOCAL_RUN);
        }

        /**
         * These options with two more environments fed by promotion, {@link #STAGING_ENVIRONMENT} from
         * {@link #ENVIRONMENT} and {@link #PROMOTED_ENVIRONMENT} from staging, behind {@code chain}'s gates: the sample
         * app's definition in each, {@code prod} on a second Marathon stand-in, marathon-applier deploying both.
         */
        public Options withPromotion(Chain chain) {
            return new Options(root, home, fixedPorts, frontendPort, extraProperties, deploymentTimeout, extraApps,
                    classArchive, kafkaScram, java.util.Objects.requireNonNull(chain));
        }

        /** Whether the run has the promotion chain ({@link #withPromotion(Chain)}). */
        public boolean promotes() {
            return promotion != null;
        }

        /** These options with a broker that lets only {@code user} in (SASL/SCRAM-SHA-256); every service logs in. */
        public Options withKafkaScram(dev.quayside.devstack.kafka.KafkaBroker.Scram user) {
            return new Options(root, home, fixedPorts, frontendPort, extraProperties, deploymentTimeout, extraApps,
                    classArchive, user, promotion);
        }
    }

    /**
     * Apps besides the sample, for benchmarks. {@code repositories} app repositories {@code bench-app-000}, … (the
     * sample app's source, on git-watcher's allow-list with the run's webhook secret, <em>without</em> a
     * {@code post-receive} hook: the caller tells git-watcher itself, see {@link #webhookSecret()}), each with a
     * definition {@code marathon/local/bench-app-NNN.json} of {@code instances} instances (no ports, no health check)
     * whose image is {@code <registry>/bench-app-NNN:}{@link #INITIAL_TAG}, which the caller pushes before
     * {@link #startServices()}; plus {@code idleDefinitions} definitions {@code idle-app-NNNN.json} with 0 instances
     * and no repository.
     */
    public record ExtraApps(int repositories, int instances, int idleDefinitions) {

        public static final ExtraApps NONE = new ExtraApps(0, 1, 0);
        public static final String INITIAL_TAG = "initial";
    }

    private final Options options;
    private final PipelineStack pipeline;
    private final LocalStack stack;
    private final String secret;
    private final Path git;
    private boolean configured;

    private LocalRun(Options options, PipelineStack pipeline, String secret) {
        this.options = options;
        this.pipeline = pipeline;
        this.stack = pipeline.parts();
        this.secret = secret;
        this.git = options.home().resolve("git");
    }

    /** Starts the devstack parts; {@link #createRepositories()} and {@link #startServices()} do the rest. */
    public static LocalRun start(Options options) {
        return start(options, false);
    }

    /**
     * {@link #start(Options)}, with the Marathon stand-in running host-networked apps in Docker's host network when
     * {@code hostNetwork} (Quayside's own apps, {@link OnMarathon}).
     */
    static LocalRun start(Options options, boolean hostNetwork) {
        return start(options, parts -> hostNetwork ? parts.withHostNetwork() : parts);
    }

    /** {@link #start(Options)} with the parts' options as {@code parts} makes them (e.g. attached, {@link ComposeRun}). */
    static LocalRun start(Options options, java.util.function.UnaryOperator<LocalStack.Options> parts) {
        LocalStack.Options defaults = LocalStack.Options.of(options.fixedPorts() ? LocalStack.DEFAULT_PORTS
                : LocalStack.RANDOM, options.deploymentTimeout(), options.fixedPorts() ? "local-run" : null)
                .withScram(options.kafkaScram());
        if (options.promotes()) {
            defaults = defaults.withSecondMarathon(options.fixedPorts() ? PROD_MARATHON_PORT : 0);
        }
        PipelineStack pipeline = PipelineStack.start(new PipelineStack.Spec(options.home())
                .parts(parts.apply(defaults))
                .fixedServicePorts(options.fixedPorts())
                .instances("board", 1)
                .frontendPort(options.frontendPort())
                .extraProperties(options.extraProperties())
                .classArchive(options.classArchive()));
        return new LocalRun(options, pipeline, "local-" + Long.toHexString(System.nanoTime()));
    }

    public LocalStack stack() {
        return stack;
    }

    /** The assembled pipeline: every service instance, to stop, kill or restart one. */
    public PipelineStack pipeline() {
        return pipeline;
    }

    public int frontendPort() {
        return pipeline.frontendPort();
    }

    /** Each service's (only) instance, by name, as it runs now. */
    public Map<String, ServiceProcess> services() {
        Map<String, ServiceProcess> services = new LinkedHashMap<>();
        for (String service : SERVICES.keySet()) {
            pipeline.instances(service).stream().findFirst().ifPresent(process -> services.put(service, process));
        }
        return services;
    }

    /** How long each service took from process start to ready (all seven starting at once). */
    public Map<String, Duration> readyAfter() {
        return pipeline.readyAfter();
    }

    public Path appWorkTree() {
        return git.resolve(APP_REPO + "-work");
    }

    public Path configWorkTree() {
        return git.resolve(CONFIG_REPO + "-work");
    }

    public Path appRepository() {
        return git.resolve(APP_REPO + ".git");
    }

    public Path configRepository() {
        return git.resolve(CONFIG_REPO + ".git");
    }

    /** The names of the extra app repositories ({@link ExtraApps#repositories()}), in order. */
    public List<String> extraApps() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < options.extraApps().repositories(); i++) {
            names.add(String.format("bench-app-%03d", i));
        }
        return names;
    }

    public Path repository(String name) {
        return git.resolve(name + ".git");
    }

    public Path workTree(String name) {
        return git.resolve(name + "-work");
    }

    /** The HMAC secret of every watched repository, for signed webhooks to git-watcher's generic endpoint. */
    /** The run's operator token (see {@link PipelineStack#operatorToken()}), also in {@code <home>/operator-token}. */
    public String operatorToken() {
        return pipeline.operatorToken();
    }

    public String webhookSecret() {
        return secret;
    }

    /** The tag of the sample app's image that the config repository pins before the first commit is built. */
    public static final String SAMPLE_INITIAL_TAG = "0000000";

    /**
     * Builds the sample app at version {@code 0.0.0} and pushes it as {@code image}: the definition the config
     * repository starts with names an image that exists, so its first deployment goes live at once (a missing image
     * failed its health check for a minute, and the first real commit waited behind that deployment).
     */
    private void pushInitialImage(String image) {
        Path context = SampleApp.writeSource(options.home().resolve("initial-image"), "0.0.0");
        DockerCli.run(Duration.ofMinutes(4), "build", "-q", "-t", image, context.toString());
        DockerCli.run(Duration.ofMinutes(2), "push", "-q", image);
    }

    /**
     * Creates (or keeps) the two bare repositories: the sample app at version {@code 0.0.0}, and the config repo with
     * {@code marathon/local/sample-app.json} — a Marathon app registrator and edge-router will pick up.
     */
    public void createRepositories() {
        try {
            Files.createDirectories(git);
            if (!Files.exists(appRepository())) {
                SampleApp.createRepository(appRepository(), appWorkTree(), "0.0.0");
            }
            if (!Files.exists(configRepository())) {
                SampleApp.git(null, "init", "-q", "--bare", "-b", "main", configRepository().toString());
                // config-syncer pushes to this file:// remote in-process through JGit, whose receive side would start
                // a background gc that can race the next push (seen by ThroughputBench); a Git server does its own gc
                SampleApp.git(configRepository(), "config", "receive.autogc", "false");
                SampleApp.git(null, "init", "-q", "-b", "main", configWorkTree().toString());
                SampleApp.git(configWorkTree(), "remote", "add", "origin", configRepository().toString());
                Path definition = configWorkTree().resolve("marathon").resolve(ENVIRONMENT).resolve(APP_REPO + ".json");
                Files.createDirectories(definition.getParent());
                String initial = stack.registryAddress() + "/" + APP_REPO + ":" + SAMPLE_INITIAL_TAG;
                pushInitialImage(initial);
                Files.writeString(definition, sampleDefinition(initial));
                if (options.promotes()) {
                    for (String[] env : new String[][] {{STAGING_ENVIRONMENT, STAGING_HOST},
                            {PROMOTED_ENVIRONMENT, PROD_HOST}}) {
                        Path other = configWorkTree().resolve("marathon").resolve(env[0]).resolve(APP_REPO + ".json");
                        Files.createDirectories(other.getParent());
                        Files.writeString(other, appDefinition(env[0], APP_REPO, APP_REPO + "-" + env[0], initial, 1,
                                "0.5", 32, env[1]));
                    }
                    Files.writeString(configWorkTree().resolve("quayside.yml"), options.promotion().quaysideYml());
                }
                for (String app : extraApps()) {
                    Files.writeString(definition.resolveSibling(app + ".json"), benchDefinition(app,
                            stack.registryAddress() + "/" + app + ":" + ExtraApps.INITIAL_TAG,
                            options.extraApps().instances()));
                }
                for (int i = 0; i < options.extraApps().idleDefinitions(); i++) {
                    String app = String.format("idle-app-%04d", i);
                    Files.writeString(definition.resolveSibling(app + ".json"), benchDefinition(app,
                            stack.registryAddress() + "/" + app + ":" + ExtraApps.INITIAL_TAG, 0));
                }
                Files.writeString(configWorkTree().resolve("README.md"), "Desired state of the local run: "
                        + "marathon/<environment>/<app>.json, written back by config-syncer.\n");
                SampleApp.commitAndPush(configWorkTree(), "Sample app definition");
            }
            for (String app : extraApps()) {
                if (!Files.exists(repository(app))) {
                    SampleApp.createRepository(repository(app), workTree(app), "0.0.0");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The Marathon app of the sample: one instance, health-checked, announced to registrator and edge-router. Half a
     * CPU (a hard CFS quota, as Mesos sets it): busybox {@code httpd} forks a process per request, and with 0.1 CPU one
     * instance fell behind 40 requests a second on a busy machine (health checks timed out, HAProxy took it down).
     */
    public static String sampleDefinition(String image) {
        return appDefinition(ENVIRONMENT, APP_REPO, image, 1, "0.5", 32, "127.0.0.1,localhost," + APP_REPO + ".local");
    }

    /**
     * A Marathon app running the sample app's image {@code instances} times: its port published, health-checked over
     * HTTP, registered in Consul by registrator ({@code SERVICE_NAME}, an HTTP check) and routed by edge-router to the
     * host names {@code vhosts}; a rolling upgrade keeps it at full capacity.
     */
    public static String appDefinition(String environment, String app, String image, int instances, String cpus,
            int mem, String vhosts) {
        return appDefinition(environment, app, app, image, instances, cpus, mem, vhosts);
    }

    /** {@link #appDefinition} registered in Consul as {@code service} (another environment's name of the app). */
    public static String appDefinition(String environment, String app, String service, String image, int instances,
            String cpus, int mem, String vhosts) {
        return "{\n"
                + "  \"id\": \"/" + environment + "/" + app + "\",\n"
                + "  \"instances\": " + instances + ",\n"
                + "  \"cpus\": " + cpus + ",\n"
                + "  \"mem\": " + mem + ",\n"
                + "  \"container\": {\n"
                + "    \"type\": \"DOCKER\",\n"
                + "    \"docker\": {\n"
                + "      \"image\": \"" + image + "\",\n"
                + "      \"network\": \"BRIDGE\",\n"
                + "      \"portMappings\": [{\"containerPort\": 8080, \"hostPort\": 0, \"protocol\": \"tcp\"}]\n"
                + "    }\n"
                + "  },\n"
                + "  \"env\": {\n"
                + "    \"SERVICE_NAME\": \"" + service + "\",\n"
                + "    \"SERVICE_HAPROXY_VHOST\": \"" + vhosts + "\",\n"
                + "    \"SERVICE_CHECK_HTTP\": \"/health\",\n"
                + "    \"SERVICE_CHECK_INTERVAL\": \"1s\"\n"
                + "  },\n"
                + "  \"healthChecks\": [{\"protocol\": \"HTTP\", \"path\": \"/health\", \"portIndex\": 0,"
                + " \"gracePeriodSeconds\": 10, \"intervalSeconds\": 2, \"timeoutSeconds\": 3,"
                + " \"maxConsecutiveFailures\": 3}],\n"
                + "  \"upgradeStrategy\": {\"minimumHealthCapacity\": 1, \"maximumOverCapacity\": 1}\n"
                + "}\n";
    }

    /** A benchmark app's Marathon definition: the sample app's image, no ports, no health check. */
    static String benchDefinition(String app, String image, int instances) {
        return "{\n"
                + "  \"id\": \"/" + ENVIRONMENT + "/" + app + "\",\n"
                + "  \"instances\": " + instances + ",\n"
                + "  \"cpus\": 0.01,\n"
                + "  \"mem\": 16,\n"
                + "  \"container\": {\"type\": \"DOCKER\", \"docker\": {\"image\": \"" + image + "\"}}\n"
                + "}\n";
    }

    /** Installs git-watcher's shipped {@code post-receive} hook into both repositories. */
    public void installHooks() {
        String url = pipeline.instance("git-watcher").url() + "/webhooks/generic";
        for (Path bare : List.of(appRepository(), configRepository())) {
            installHook(options.root(), bare, url, secret);
        }
    }

    /** Installs git-watcher's shipped {@code post-receive} hook (from the checkout {@code root}) into {@code bare}. */
    public static void installHook(Path root, Path bare, String webhookUrl, String secret) {
        try {
            Path hook = bare.resolve("hooks/post-receive");
            Files.copy(root.resolve("git-watcher/scripts/post-receive"), hook, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
            SampleApp.git(bare, "config", "quayside.url", webhookUrl);
            SampleApp.git(bare, "config", "quayside.secret", secret);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts every service at once and waits until each is ready; on failure the message names the service. */
    public void startServices() {
        configure();
        pipeline.startServices(options.root(), Duration.ofSeconds(180));
    }

    /**
     * Names the repositories git-watcher watches, config-syncer's config repository and marathon-applier's
     * environments to the pipeline (once): what {@link #startServices()} starts the services with.
     */
    void configure() {
        if (configured) {
            return;
        }
        configured = true;
        for (String[] repo : new String[][] {{APP_REPO, "app", appRepository().toUri().toString()},
                {CONFIG_REPO, "config", configRepository().toUri().toString()}}) {
            pipeline.watch(new PipelineStack.WatchedRepository(repo[0], repo[2], repo[1], secret, "main", null));
        }
        for (String app : extraApps()) {
            pipeline.watch(new PipelineStack.WatchedRepository(app, repository(app).toUri().toString(), "app", secret,
                    "main", null));
        }
        pipeline.configRepository(CONFIG_REPO, configRepository().toUri().toString(), "main");
        pipeline.environment(ENVIRONMENT, Map.of("rollback", "true", "prune", "true"));
        if (options.promotes()) {
            pipeline.environment(STAGING_ENVIRONMENT, Map.of("rollback", "true", "prune", "true"));
            pipeline.environment(PROMOTED_ENVIRONMENT, Map.of("rollback", "true", "prune", "true",
                    "marathon-url", stack.secondMarathonUrl()));
        }
    }

    /**
     * Stops {@code service} and starts it again alone (same port and configuration, the rest of the run idle);
     * returns how long it took from process start to ready.
     */
    public Duration restart(String service) {
        if (!SERVICES.containsKey(service)) {
            throw new IllegalArgumentException("no service " + service);
        }
        return pipeline.restart(service, 0, Duration.ofSeconds(180));
    }

    /**
     * Kills {@code service} with SIGKILL ({@code kill -9}: nothing flushed, no consumer group left) and starts it again
     * with the same command line, as after a crash; returns how long the new process took to be ready.
     */
    public Duration crashAndRestart(String service) {
        if (!SERVICES.containsKey(service)) {
            throw new IllegalArgumentException("no service " + service);
        }
        pipeline.kill(service, 0);
        return pipeline.restart(service, 0, Duration.ofSeconds(180));
    }

    /**
     * Stops every service gracefully at once and starts them all again (as {@code bin/quayside down} and {@code up} do
     * with the services; the parts keep running); returns each one's time from process start to ready.
     */
    public Map<String, Duration> restartServices() {
        return pipeline.restartAll(Duration.ofSeconds(180));
    }

    /** Commits a new version of the sample app and pushes it (the hook tells git-watcher); returns the commit id. */
    public String pushSampleVersion(String version) {
        SampleApp.setVersion(appWorkTree(), version);
        return SampleApp.commitAndPush(appWorkTree(), "Serve version " + version);
    }

    /** The service logs' last lines, for a failure report. */
    public String logTails(int lines) {
        return pipeline.logTails(lines);
    }

    @Override
    public void close() {
        pipeline.close();
    }

}
