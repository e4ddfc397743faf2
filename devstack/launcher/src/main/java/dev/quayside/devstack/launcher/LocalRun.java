package dev.quayside.devstack.launcher;

import dev.quayside.devstack.common.FreePorts;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The whole pipeline on this machine: the {@link LocalStack}, the seven services as their own JVMs wired to it, and
 * two bare Git repositories — the sample app and the deployment-config repo — whose {@code post-receive} hooks call
 * git-watcher. Used by {@code bin/quayside up} (fixed ports) and the e2e suite (random ports). Benchmarks may add
 * more app repositories and definitions ({@link ExtraApps}).
 */
public final class LocalRun implements AutoCloseable {

    /** The services, in start order, with their default ports. */
    public static final Map<String, Integer> SERVICES = new LinkedHashMap<>();

    static {
        SERVICES.put("git-watcher", 8081);
        SERVICES.put("image-builder", 8082);
        SERVICES.put("config-syncer", 8083);
        SERVICES.put("marathon-applier", 8084);
        SERVICES.put("registrator", 8085);
        SERVICES.put("edge-router", 8086);
        SERVICES.put("notifier", 8087);
    }

    public static final String APP_REPO = "sample-app";
    public static final String CONFIG_REPO = "deploy-config";
    public static final String ENVIRONMENT = "local";

    /** How to run; {@code extraApps} adds benchmark apps (none for {@code bin/quayside up}, e2e and PipelineBench). */
    public record Options(Path root, Path home, boolean fixedPorts, int frontendPort, Map<String, String> extraProperties,
            Duration deploymentTimeout, ExtraApps extraApps, ServiceProcess.ClassArchive classArchive) {

        public Options(Path root, Path home, boolean fixedPorts, int frontendPort, Map<String, String> extraProperties,
                Duration deploymentTimeout, ExtraApps extraApps) {
            this(root, home, fixedPorts, frontendPort, extraProperties, deploymentTimeout, extraApps,
                    ServiceProcess.ClassArchive.USE);
        }

        public Options(Path root, Path home, boolean fixedPorts, int frontendPort, Map<String, String> extraProperties,
                Duration deploymentTimeout) {
            this(root, home, fixedPorts, frontendPort, extraProperties, deploymentTimeout, ExtraApps.NONE);
        }

        /** These options with the services' class-data archives handled as {@code archive} says. */
        public Options withClassArchive(ServiceProcess.ClassArchive archive) {
            return new Options(root, home, fixedPorts, frontendPort, extraProperties, deploymentTimeout, extraApps,
                    archive);
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
    private final LocalStack stack;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final Map<String, Duration> readyAfter = new LinkedHashMap<>();
    private final String secret;
    private final String operatorToken = newOperatorToken();
    private final int frontendPort;
    private final Path git;

    private LocalRun(Options options, LocalStack stack, String secret, int frontendPort) {
        this.options = options;
        this.stack = stack;
        this.secret = secret;
        this.frontendPort = frontendPort;
        this.git = options.home().resolve("git");
    }

    /** Starts the devstack parts; {@link #createRepositories()} and {@link #startServices()} do the rest. */
    public static LocalRun start(Options options) {
        LocalStack stack = LocalStack.start(options.home(), options.fixedPorts() ? LocalStack.DEFAULT_PORTS
                : LocalStack.RANDOM, options.deploymentTimeout(), options.fixedPorts() ? "local-run" : null);
        int frontend = options.frontendPort() != 0 ? options.frontendPort() : FreePorts.pick();
        return new LocalRun(options, stack, "local-" + Long.toHexString(System.nanoTime()), frontend);
    }

    public LocalStack stack() {
        return stack;
    }

    public int frontendPort() {
        return frontendPort;
    }

    public Map<String, ServiceProcess> services() {
        return services;
    }

    /** How long each service took from process start to ready (all seven starting at once). */
    public Map<String, Duration> readyAfter() {
        return readyAfter;
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
    public String webhookSecret() {
        return secret;
    }

    /**
     * The run's operator token ({@code quayside.operator.token} of every service): operator endpoints such as
     * config-syncer's {@code POST /api/sync/...} need {@code Authorization: Bearer <token>}. New for each run, and
     * written to {@code <home>/operator-token} (owner-only) when the services start.
     */
    public String operatorToken() {
        return operatorToken;
    }

    private static String newOperatorToken() {
        byte[] bytes = new byte[24];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    /** Writes the operator token to {@code <home>/operator-token}, readable by its owner only. */
    private void writeOperatorToken() {
        Path file = options.home().resolve("operator-token");
        try {
            Files.createDirectories(options.home());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, operatorToken + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
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
                Files.writeString(definition, sampleDefinition(stack.registryAddress() + "/" + APP_REPO + ":0000000"));
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

    /** The Marathon app of the sample: one instance, health-checked, announced to registrator and edge-router. */
    public static String sampleDefinition(String image) {
        return "{\n"
                + "  \"id\": \"/" + ENVIRONMENT + "/" + APP_REPO + "\",\n"
                + "  \"instances\": 1,\n"
                + "  \"cpus\": 0.1,\n"
                + "  \"mem\": 32,\n"
                + "  \"container\": {\n"
                + "    \"type\": \"DOCKER\",\n"
                + "    \"docker\": {\n"
                + "      \"image\": \"" + image + "\",\n"
                + "      \"network\": \"BRIDGE\",\n"
                + "      \"portMappings\": [{\"containerPort\": 8080, \"hostPort\": 0, \"protocol\": \"tcp\"}]\n"
                + "    }\n"
                + "  },\n"
                + "  \"env\": {\n"
                + "    \"SERVICE_NAME\": \"" + APP_REPO + "\",\n"
                + "    \"SERVICE_HAPROXY_VHOST\": \"127.0.0.1,localhost," + APP_REPO + ".local\",\n"
                + "    \"SERVICE_CHECK_HTTP\": \"/health\",\n"
                + "    \"SERVICE_CHECK_INTERVAL\": \"1s\"\n"
                + "  },\n"
                + "  \"healthChecks\": [{\"protocol\": \"HTTP\", \"path\": \"/health\", \"portIndex\": 0,"
                + " \"gracePeriodSeconds\": 10, \"intervalSeconds\": 2, \"timeoutSeconds\": 1,"
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
        Path script = options.root().resolve("git-watcher/scripts/post-receive");
        String url = services.get("git-watcher").url() + "/webhooks/generic";
        for (Path bare : List.of(appRepository(), configRepository())) {
            try {
                Path hook = bare.resolve("hooks/post-receive");
                Files.copy(script, hook, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
                SampleApp.git(bare, "config", "quayside.url", url);
                SampleApp.git(bare, "config", "quayside.secret", secret);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Starts every service at once and waits until each is ready; on failure the message names the service. */
    public void startServices() {
        writeOperatorToken();
        Map<String, Map<String, String>> configs = serviceProperties();
        for (Map.Entry<String, Integer> service : SERVICES.entrySet()) {
            int port = options.fixedPorts() ? service.getValue() : FreePorts.pick();
            services.put(service.getKey(), ServiceProcess.start(options.root(), service.getKey(), port,
                    properties(service.getKey(), configs), options.home().resolve("logs"), options.classArchive()));
        }
        ExecutorService waiters = Executors.newFixedThreadPool(services.size());
        try {
            Map<String, Future<Duration>> ready = new LinkedHashMap<>();
            for (ServiceProcess process : services.values()) {
                ready.put(process.name(), waiters.submit(() -> process.awaitReady(Duration.ofSeconds(180))));
            }
            for (Map.Entry<String, Future<Duration>> future : ready.entrySet()) {
                readyAfter.put(future.getKey(), future.getValue().get());
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            waiters.shutdownNow();
        }
    }

    /**
     * Stops {@code service} and starts it again alone (same port and configuration, the rest of the run idle);
     * returns how long it took from process start to ready.
     */
    public Duration restart(String service) {
        ServiceProcess old = services.get(service);
        if (old == null) {
            throw new IllegalArgumentException("no service " + service);
        }
        old.close();
        ServiceProcess fresh = ServiceProcess.start(options.root(), service, old.port(),
                properties(service, serviceProperties()), options.home().resolve("logs"), options.classArchive());
        services.put(service, fresh);
        return fresh.awaitReady(Duration.ofSeconds(180));
    }

    /** A service's system properties: its configuration for this run and the options' extra properties. */
    private Map<String, String> properties(String service, Map<String, Map<String, String>> configs) {
        Map<String, String> properties = new LinkedHashMap<>(configs.get(service));
        options.extraProperties().forEach((key, value) -> {
            String prefix = service + ":";
            if (key.startsWith(prefix)) {
                properties.put(key.substring(prefix.length()), value);
            } else if (!key.contains(":")) {
                properties.put(key, value);
            }
        });
        return properties;
    }

    /** Each service's configuration for this run (system properties). */
    Map<String, Map<String, String>> serviceProperties() {
        String kafka = stack.kafkaBootstrap();
        String consul = stack.consulUrl();
        Path work = options.home().resolve("work");
        Map<String, Map<String, String>> all = new LinkedHashMap<>();

        Map<String, String> watcher = common(kafka, consul);
        for (String[] repo : new String[][] {{APP_REPO, "app", appRepository().toUri().toString()},
                {CONFIG_REPO, "config", configRepository().toUri().toString()}}) {
            String prefix = "quayside.git-watcher.repositories." + repo[0] + ".";
            watcher.put(prefix + "clone-url", repo[2]);
            watcher.put(prefix + "kind", repo[1]);
            watcher.put(prefix + "secret", secret);
            watcher.put(prefix + "branches", "main");
        }
        for (String app : extraApps()) {
            String prefix = "quayside.git-watcher.repositories." + app + ".";
            watcher.put(prefix + "clone-url", repository(app).toUri().toString());
            watcher.put(prefix + "kind", "app");
            watcher.put(prefix + "secret", secret);
            watcher.put(prefix + "branches", "main");
        }
        watcher.put("quayside.git-watcher.work-dir", work.resolve("git-watcher").toString());
        all.put("git-watcher", watcher);

        Map<String, String> builder = common(kafka, consul);
        builder.put("quayside.registry.address", stack.registryAddress());
        builder.put("quayside.builder.work-dir", work.resolve("image-builder").toString());
        // image-builder fetches only URLs of its own configuration, never the event's; local paths only when allowed
        builder.put("quayside.builder.allow-local-remotes", "true");
        builder.put("quayside.builder.clone-url-template", git.toUri() + "{repository}.git");
        all.put("image-builder", builder);

        Map<String, String> syncer = common(kafka, consul);
        syncer.put("quayside.config-syncer.work-dir", work.resolve("config-syncer").toString());
        syncer.put("quayside.config-syncer.repositories." + CONFIG_REPO + ".clone-url",
                configRepository().toUri().toString());
        syncer.put("quayside.config-syncer.repositories." + CONFIG_REPO + ".branch", "main");
        all.put("config-syncer", syncer);

        Map<String, String> applier = common(kafka, consul);
        applier.put("quayside.marathon-applier.defaults.marathon-url", stack.marathonUrl());
        applier.put("quayside.marathon-applier.defaults.chronos-url", stack.chronosUrl());
        applier.put("quayside.marathon-applier.environments." + ENVIRONMENT + ".rollback", "true");
        applier.put("quayside.marathon-applier.environments." + ENVIRONMENT + ".prune", "true");
        all.put("marathon-applier", applier);

        Map<String, String> registrator = common(kafka, consul);
        registrator.put("quayside.registrator.address", "127.0.0.1");
        all.put("registrator", registrator);

        Map<String, String> router = common(kafka, consul);
        router.put("quayside.edge-router.frontend.http-port", String.valueOf(frontendPort));
        router.put("quayside.edge-router.frontend.bind-address", "127.0.0.1");
        router.put("quayside.edge-router.haproxy.work-dir", work.resolve("edge-router").toString());
        router.put("quayside.edge-router.wait-period.min", "200ms");
        router.put("quayside.edge-router.wait-period.max", "1s");
        all.put("edge-router", router);

        all.put("notifier", common(kafka, consul));
        // operator endpoints (POST /api/sync/..., /registrations/sync, ...) take the run's bearer token
        all.values().forEach(properties -> properties.put("quayside.operator.token", operatorToken));
        return all;
    }

    private static Map<String, String> common(String kafka, String consul) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("kafka.bootstrap.servers", kafka);
        properties.put("quayside.consul.url", consul);
        return properties;
    }

    /** Commits a new version of the sample app and pushes it (the hook tells git-watcher); returns the commit id. */
    public String pushSampleVersion(String version) {
        SampleApp.setVersion(appWorkTree(), version);
        return SampleApp.commitAndPush(appWorkTree(), "Serve version " + version);
    }

    /** The service logs' last lines, for a failure report. */
    public String logTails(int lines) {
        StringBuilder out = new StringBuilder();
        services.forEach((name, process) -> out.append("---- ").append(name).append(" (").append(process.log())
                .append(")\n").append(process.logTail(lines)).append('\n'));
        return out.toString();
    }

    @Override
    public void close() {
        List<ServiceProcess> reversed = new ArrayList<>(services.values());
        java.util.Collections.reverse(reversed);
        reversed.forEach(ServiceProcess::close);
        stack.close();
    }
}
