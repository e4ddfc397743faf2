package dev.quayside.devstack.launcher;

import dev.quayside.devstack.git.SshGitServer;
import dev.quayside.devstack.kafka.KafkaBroker;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code bin/quayside up --on-marathon}: Quayside itself as Marathon apps. Starts what the local run starts apart from
 * the service processes (Kafka, the Consul stand-in, the Marathon stand-in running host-networked apps in Docker's
 * host network, the registry, the sample repositories, served to the containers by an SSH Git server on 127.0.0.1),
 * builds the service images and pushes them to the registry ({@code bin/quayside images --push}), creates the topics
 * of {@code helm-free-deploy/topics.txt}, writes a config folder (each service's settings, as the local run gives them,
 * with container paths and the repositories' SSH URLs) and a secrets folder, deploys {@code helm-free-deploy/} with
 * {@code deploy.sh} in host networking, waits until every app's task is healthy and ready, then pushes a commit of the
 * sample app through the containerised mesh until HAProxy (in edge-router's container) serves it. {@link #close()}
 * stops it all, the containers with the stand-in.
 */
public final class OnMarathon implements AutoCloseable {

    /** edge-router's front end: the fixed host port of its definition (helm-free-deploy/marathon/edge-router.json). */
    public static final int FRONTEND_PORT = 8000;
    /** The uid (and gid) the service images run as (deploy/Dockerfile.service). */
    static final int SERVICE_UID = 10001;
    static final String SECRETS_IN_CONTAINER = "/run/secrets/quayside";
    static final Path DOCKER_SOCKET = Path.of("/var/run/docker.sock");

    /**
     * How to run: {@code fixedPorts} puts the devstack parts on the local run's ports (the services and the front end
     * are on their definitions' fixed ports either way).
     */
    public record Options(Path root, Path home, boolean fixedPorts, Duration readyTimeout) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Options options;
    private final LocalRun run;
    private final String version;
    private final Path folder;
    private final List<String> apps;
    private SshGitServer ssh;

    private OnMarathon(Options options, LocalRun run) {
        this.options = options;
        this.run = run;
        this.version = projectVersion(options.root());
        this.folder = options.home().resolve("on-marathon");
        this.apps = appNames(options.root());
    }

    /** The services of {@code helm-free-deploy/marathon/}, one app each under {@code /quayside}. */
    static List<String> appNames(Path root) {
        try (Stream<Path> files = Files.list(root.resolve("helm-free-deploy/marathon"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts the parts (after checking that the apps' fixed ports are free); {@link #deploy(PrintStream)} does the
     * rest. What started is stopped again when this fails.
     */
    public static OnMarathon start(Options options) {
        requireFree(List.of(), "Quayside's apps listen on their definitions' fixed ports (helm-free-deploy/marathon, "
                + "requirePorts)");
        LocalRun run = LocalRun.start(new LocalRun.Options(options.root(), options.home(), options.fixedPorts(),
                FRONTEND_PORT, Map.of(), Duration.ofSeconds(120)), true);
        return new OnMarathon(options, run);
    }

    /**
     * The same pieces for parts that others run on {@code ports} of 127.0.0.1, the Marathon stand-in's id
     * {@code standInId} ({@link ComposeRun}: docker-compose's containers): nothing is started yet, the ports (theirs,
     * the services' and the front end's) must be free.
     */
    static OnMarathon attached(Options options, LocalStack.Ports ports, String standInId) {
        requireFree(List.of(ports.kafka(), ports.registry(), ports.consul(), ports.marathon(), ports.chronos()),
                "docker-compose's containers listen on them in the host's network (deploy/compose.local.yml)");
        LocalRun run = LocalRun.start(new LocalRun.Options(options.root(), options.home(), true, FRONTEND_PORT,
                Map.of(), Duration.ofSeconds(120)), parts -> parts.attached(ports, standInId));
        return new OnMarathon(options, run);
    }

    /** The services' and the front end's fixed ports and {@code more} must be free on 127.0.0.1, and Docker's socket there. */
    private static void requireFree(List<Integer> more, String why) {
        List<Integer> ports = new ArrayList<>(LocalRun.SERVICES.values());
        ports.add(FRONTEND_PORT);
        ports.addAll(more);
        List<Integer> taken = ports.stream().filter(port -> !free(port)).toList();
        if (!taken.isEmpty()) {
            throw new IllegalStateException("ports " + taken + " on 127.0.0.1 are taken: " + why + "; stop what "
                    + "holds them (bin/quayside down stops an earlier run)");
        }
        if (!Files.exists(DOCKER_SOCKET)) {
            throw new IllegalStateException(DOCKER_SOCKET + " is missing: image-builder and registrator mount the "
                    + "Docker socket");
        }
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public LocalRun run() {
        return run;
    }

    public LocalStack stack() {
        return run.stack();
    }

    /** The Maven version the images are tagged with. */
    public String version() {
        return version;
    }

    /** The apps deployed, by id ({@code /quayside/<service>}). */
    public List<String> appIds() {
        return apps.stream().map(app -> "/quayside/" + app).toList();
    }

    /** Where the services' settings files are (mounted read-only as each one's application.properties). */
    public Path configDir() {
        return folder.resolve("config");
    }

    public Path secretsDir() {
        return folder.resolve("secrets");
    }

    /** The image of {@code service} in the run's registry. */
    public String image(String service) {
        return stack().registryAddress() + "/quayside/" + service + ":" + version;
    }

    /**
     * Everything after the parts: topics, repositories, images, config and secrets, {@code deploy.sh}, the wait for
     * every app, the webhooks. Throws, naming the step, when one fails.
     */
    public void deploy(PrintStream out) {
        LocalStack parts = stack();
        out.println("[2/6] topics of helm-free-deploy/topics.txt; sample repositories in " + run.appRepository()
                .getParent() + ", served over SSH");
        createTopics(parts.kafkaBootstrap(), parts.kafkaClientProperties(),
                options.root().resolve("helm-free-deploy/topics.txt"));
        serveRepositories(out);

        out.println("[3/6] service images (bin/quayside images --push " + parts.registryAddress() + ")");
        images(out, "--push", parts.registryAddress());

        out.println("[4/6] settings in " + configDir() + ", secrets in " + secretsDir());
        writeConfig();
        writeSecrets();

        out.println("[5/6] helm-free-deploy/deploy.sh (QUAYSIDE_NETWORK=host) onto the Marathon stand-in "
                + parts.marathonUrl());
        out.println(deployDefinitions().strip().indent(6).stripTrailing());
        awaitApps(out);
        installHooks();
    }

    /**
     * The sample repositories (the app's initial image pushed to the registry) and the SSH Git server that serves
     * them to the containers.
     */
    void serveRepositories(PrintStream out) {
        run.createRepositories();
        run.configure();
        ssh = SshGitServer.start(run.appRepository().getParent(), folder.resolve("ssh"));
        out.println("      ssh://git@127.0.0.1:" + URI.create(ssh.url(LocalRun.APP_REPO)).getPort()
                + "/<repository>.git");
    }

    /** The repositories' hooks tell git-watcher (in its container, on its fixed port) about every push. */
    void installHooks() {
        for (Path bare : List.of(run.appRepository(), run.configRepository())) {
            LocalRun.installHook(options.root(), bare, "http://127.0.0.1:" + LocalRun.SERVICES.get("git-watcher")
                    + "/webhooks/generic", run.webhookSecret());
        }
    }

    /** [6/6]: a commit of the sample app through the containerised mesh, followed until HAProxy serves it. */
    public PipelineWatch.Result pushSample(String version, Duration timeout, PrintStream out) {
        out.println("[6/6] pushing a commit of the sample app and following it through the containers:");
        return PipelineWatch.pushAndFollow(stack().kafkaBootstrap(), stack().kafkaClientProperties(), FRONTEND_PORT,
                LocalRun.APP_REPO, version, () -> run.pushSampleVersion(version), timeout, out);
    }

    // ---------------------------------------------------------------------------------------------- topics

    /** One line of topics.txt: {@code <topic> <partitions> [key=value,...]}. */
    record TopicLine(String topic, int partitions, Map<String, String> configs) {
    }

    /** Reads topics.txt as deploy/create-topics.sh does; a bad line fails naming it, before anything is created. */
    static List<TopicLine> topicLines(Path file) {
        List<TopicLine> lines = new ArrayList<>();
        try {
            int number = 0;
            for (String line : Files.readAllLines(file)) {
                number++;
                String text = line.strip();
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                String[] fields = text.split("\\s+");
                if (fields.length < 2 || fields.length > 3 || !fields[1].matches("[1-9][0-9]*")) {
                    throw new IllegalArgumentException(file + ":" + number + ": bad line (expected <topic> "
                            + "<partitions> [key=value,...]): " + line);
                }
                Map<String, String> configs = new TreeMap<>();
                if (fields.length == 3) {
                    for (String pair : fields[2].split(",")) {
                        int eq = pair.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException(file + ":" + number + ": bad config '" + pair + "'");
                        }
                        configs.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                }
                lines.add(new TopicLine(fields[0], Integer.parseInt(fields[1]), configs));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    /** Creates each topic of topics.txt that does not exist yet (as {@code create-topics.sh --if-not-exists}). */
    static void createTopics(String bootstrap, Map<String, String> client, Path file) {
        for (TopicLine line : topicLines(file)) {
            KafkaBroker.createTopics(bootstrap, client, line.partitions(), List.of(line.topic()), line.configs());
        }
    }

    // ---------------------------------------------------------------------------------------------- images

    /** {@code bin/quayside images --no-build <flags>}: the packaged services' images (and more, as flags say). */
    void images(PrintStream out, String... flags) {
        List<String> command = new ArrayList<>(List.of(options.root().resolve("bin/quayside").toString(), "images",
                "--no-build"));
        command.addAll(List.of(flags));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("QUAYSIDE_HOME", options.home().toString());
        Result result = exec(builder, Duration.ofMinutes(20));
        result.output().lines().map(String::strip).filter(line -> line.startsWith("quayside/"))
                .forEach(line -> out.println("      " + line));
        if (result.exit() != 0) {
            throw new IllegalStateException("bin/quayside images failed:\n" + result.output());
        }
    }

    // ---------------------------------------------------------------------------------------------- config

    /**
     * Each service's settings as the local run gives them ({@link PipelineStack#defaultPortConfigs()}), for a
     * container: work folders in its {@code /tmp}, the repositories' SSH URLs with the key and known_hosts from the
     * secrets folder, the operator token and the webhook secret from their files, the Docker socket that is mounted,
     * and registrator watching only the run's own Marathon stand-in's containers.
     */
    void writeConfig() {
        Map<String, String> urls = new LinkedHashMap<>();
        for (String repository : List.of(LocalRun.APP_REPO, LocalRun.CONFIG_REPO)) {
            urls.put(run.repository(repository).toUri().toString(), ssh.url(repository));
        }
        String key = SECRETS_IN_CONTAINER + "/id_ecdsa";
        String knownHosts = SECRETS_IN_CONTAINER + "/known_hosts";
        Map<String, Map<String, String>> configs = run.pipeline().defaultPortConfigs();
        try {
            Files.createDirectories(configDir());
            for (String service : apps) {
                Map<String, String> settings = new TreeMap<>(configs.get(service));
                settings.replaceAll((name, value) -> urls.getOrDefault(value, value));
                settings.remove("quayside.docker.host"); // the socket mounted at its default path
                settings.remove("quayside.operator.token");
                settings.put("quayside.operator.token-file", SECRETS_IN_CONTAINER + "/operator-token");
                switch (service) {
                    case "git-watcher" -> {
                        settings.put("quayside.git-watcher.work-dir", "/tmp/quayside/git-watcher");
                        for (String repository : List.of(LocalRun.APP_REPO, LocalRun.CONFIG_REPO)) {
                            String prefix = "quayside.git-watcher.repositories." + repository + ".credentials.";
                            settings.put(prefix + "ssh-key", key);
                            settings.put(prefix + "known-hosts", knownHosts);
                            String secret = "quayside.git-watcher.repositories." + repository + ".secret";
                            settings.remove(secret);
                            settings.put(secret + "-file", SECRETS_IN_CONTAINER + "/webhook-secret");
                        }
                    }
                    case "image-builder" -> {
                        settings.put("quayside.builder.work-dir", "/tmp/quayside/image-builder");
                        settings.put("quayside.builder.ssh-key", key);
                        settings.put("quayside.builder.known-hosts", knownHosts);
                        settings.remove("quayside.builder.allow-local-remotes");
                    }
                    case "config-syncer" -> {
                        settings.put("quayside.config-syncer.work-dir", "/tmp/quayside/config-syncer");
                        settings.put("quayside.config-syncer.ssh-key", key);
                        settings.put("quayside.config-syncer.known-hosts", knownHosts);
                        settings.remove("quayside.config-syncer.allow-local-sources");
                    }
                    case "registrator" -> settings.put("quayside.registrator.container-label",
                            dev.quayside.devstack.mesos.DockerTasks.LABEL_STAND_IN + "=" + stack().marathonStandInId());
                    case "edge-router" -> {
                        settings.put("quayside.edge-router.haproxy.work-dir", "/tmp/quayside/edge-router");
                        settings.put("quayside.edge-router.haproxy.master-socket",
                                "/tmp/quayside/edge-router/master.sock");
                    }
                    default -> {
                    }
                }
                Properties properties = new Properties();
                properties.putAll(settings);
                Path file = configDir().resolve(service + ".properties");
                try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                    properties.store(writer, service + "'s settings for bin/quayside up --on-marathon (from the local"
                            + " run's, ServiceConfigs)");
                }
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The secrets folder (deploy/secrets/README.md): the operator token, the SSH key and known_hosts of the Git
     * server; owned by the services' uid and readable by it only when this runs as root, else readable by all (a
     * local run's throwaway secrets).
     */
    void writeSecrets() {
        Path dir = secretsDir();
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("operator-token"), run.operatorToken() + "\n");
            Files.writeString(dir.resolve("webhook-secret"), run.webhookSecret() + "\n");
            Files.copy(ssh.clientKey(), dir.resolve("id_ecdsa"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(ssh.knownHosts(), dir.resolve("known_hosts"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            boolean root = "root".equals(System.getProperty("user.name"));
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    if (root) {
                        Files.setAttribute(file, "unix:uid", SERVICE_UID);
                        Files.setAttribute(file, "unix:gid", SERVICE_UID);
                    }
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(root ? "r--------"
                            : "r--r--r--"));
                }
            }
            if (root) {
                Files.setAttribute(dir, "unix:uid", SERVICE_UID);
                Files.setAttribute(dir, "unix:gid", SERVICE_UID);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------- deploy

    private String deployDefinitions() {
        LocalStack parts = stack();
        ProcessBuilder builder = new ProcessBuilder(options.root().resolve("helm-free-deploy/deploy.sh").toString())
                .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("MARATHON_URL", parts.marathonUrl());
        env.put("CHRONOS_URL", parts.chronosUrl());
        env.put("KAFKA_BOOTSTRAP_SERVERS", parts.kafkaBootstrap());
        env.put("CONSUL_URL", parts.consulUrl());
        env.put("QUAYSIDE_IMAGE_PREFIX", parts.registryAddress() + "/");
        env.put("QUAYSIDE_VERSION", version);
        env.put("QUAYSIDE_REGISTRY_ADDRESS", parts.registryAddress());
        env.put("QUAYSIDE_CONFIG_DIR", configDir().toString());
        env.put("QUAYSIDE_SECRETS_DIR", secretsDir().toString());
        env.put("QUAYSIDE_DOCKER_GID", String.valueOf(dockerGid()));
        env.put("QUAYSIDE_NETWORK", "host");
        env.put("QUAYSIDE_BIND_ADDRESS", "127.0.0.1");
        env.put("QUAYSIDE_GIT_WATCHER_URL", "http://127.0.0.1:" + LocalRun.SERVICES.get("git-watcher"));
        env.put("QUAYSIDE_CONFIG_SYNCER_URL", "http://127.0.0.1:" + LocalRun.SERVICES.get("config-syncer"));
        env.remove("MARATHON_AUTH");
        Result result = exec(builder, Duration.ofMinutes(2));
        if (result.exit() != 0) {
            throw new IllegalStateException("helm-free-deploy/deploy.sh failed:\n" + result.output());
        }
        return result.output();
    }

    static int dockerGid() {
        try {
            return (Integer) Files.getAttribute(DOCKER_SOCKET, "unix:gid");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The app as Marathon answers it ({@code GET /v2/apps/<id>}), or null when it is not there. */
    public JsonObject app(String id) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(stack().marathonUrl()
                    + "/v2/apps" + id)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? new JsonObject(response.body()).getJsonObject("app") : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Deployed: every task running, healthy and ready (no deployment left, which waits for readiness). */
    public static boolean deployed(JsonObject app) {
        if (app == null) {
            return false;
        }
        int instances = app.getInteger("instances", 0);
        JsonArray deployments = app.getJsonArray("deployments", new JsonArray());
        return deployments.isEmpty() && app.getInteger("tasksRunning", 0) == instances
                && app.getInteger("tasksHealthy", 0) == instances;
    }

    private void awaitApps(PrintStream out) {
        long deadline = System.nanoTime() + options.readyTimeout().toNanos();
        long start = System.nanoTime();
        List<String> waiting = new ArrayList<>(appIds());
        while (!waiting.isEmpty()) {
            for (String id : List.copyOf(waiting)) {
                if (deployed(app(id))) {
                    waiting.remove(id);
                    out.printf("      %-28s healthy and ready after %.1f s%n", id,
                            (System.nanoTime() - start) / 1e9);
                }
            }
            if (waiting.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                StringBuilder why = new StringBuilder("not healthy and ready within " + options.readyTimeout()
                        .toSeconds() + " s: " + waiting);
                for (String id : waiting) {
                    JsonObject app = app(id);
                    why.append("\n---- ").append(id).append(": ").append(app == null ? "missing" : "tasksRunning "
                            + app.getValue("tasksRunning") + ", tasksHealthy " + app.getValue("tasksHealthy")
                            + ", lastTaskFailure " + app.getValue("lastTaskFailure"))
                            .append('\n').append(containerLog(id));
                }
                throw new IllegalStateException(why.toString());
            }
            Pause.millis(1000);
        }
    }

    /** The last lines of the log of each container of app {@code id}. */
    public String containerLog(String id) {
        StringBuilder logs = new StringBuilder();
        String ids = DockerCli.run(Duration.ofSeconds(30), "ps", "-aq", "--filter", "label="
                + dev.quayside.devstack.mesos.DockerTasks.LABEL_APP_ID + "=" + id);
        for (String container : ids.lines().filter(l -> !l.isBlank()).toList()) {
            ProcessBuilder builder = new ProcessBuilder("docker", "logs", "--tail", "30", container)
                    .redirectErrorStream(true);
            logs.append(exec(builder, Duration.ofSeconds(30)).output()).append('\n');
        }
        return logs.toString();
    }

    // ---------------------------------------------------------------------------------------------- helpers

    record Result(int exit, String output) {
    }

    static Result exec(ProcessBuilder builder, Duration timeout) {
        try {
            Path out = Files.createTempFile("quayside-on-marathon-", ".log");
            try {
                Process process = builder.redirectOutput(out.toFile()).start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroy);
                    process.destroy();
                    throw new IllegalStateException(String.join(" ", builder.command()) + " did not finish within "
                            + timeout + ":\n" + Files.readString(out));
                }
                return new Result(process.exitValue(), Files.readString(out));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }


    /** The project's version (the parent POM's), which {@code bin/quayside images} tags the images with. */
    static String projectVersion(Path root) {
        try {
            String pom = Files.readString(root.resolve("pom.xml"));
            Matcher version = Pattern.compile("<artifactId>quayside-parent</artifactId>\\s*<version>([^<]+)</version>")
                    .matcher(pom);
            if (!version.find()) {
                throw new IllegalStateException("no project version in " + root.resolve("pom.xml"));
            }
            return version.group(1).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops everything: the SSH server, then the parts (the Marathon stand-in stops and removes every container). */
    @Override
    public void close() {
        if (ssh != null) {
            ssh.close();
        }
        run.close();
    }
}
