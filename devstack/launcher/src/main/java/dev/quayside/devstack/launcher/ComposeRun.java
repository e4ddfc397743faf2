package dev.quayside.devstack.launcher;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code docker-compose.yml} run here: the base file with {@code deploy/compose.local.yml}, which swaps the parts that
 * cannot be pulled for {@code quayside/devstack:<version>} and puts every container in the host's network. The pieces
 * around it are {@link OnMarathon}'s: the service images ({@code bin/quayside images --devstack}), the sample
 * repositories served over SSH, each service's settings and the secrets folder, the hooks, the sample commit followed
 * to HAProxy. Order: the registry first (the sample app's initial image is pushed to it), then the settings, then
 * {@code up -d} of everything, then the wait until compose reports every service with a health check healthy.
 * {@link #close()} runs {@code docker-compose down -v}.
 */
public final class ComposeRun implements AutoCloseable {

    /** The parts' ports in deploy/compose.local.yml (the local run's, architecture.md). */
    public static final LocalStack.Ports PORTS = LocalStack.DEFAULT_PORTS;
    /** The Marathon stand-in's id in deploy/compose.local.yml (--id): its task containers carry it as a label. */
    public static final String STAND_IN_ID = "compose";
    public static final String OVERRIDE = "deploy/compose.local.yml";
    /** The one-shot service that creates the topics; it ends with exit code 0. */
    static final String TOPICS_SERVICE = "kafka-topics";

    /** How to run: the project name (docker-compose -p) and how long the services may take to be healthy. */
    public record Options(Path root, Path home, String project, Duration readyTimeout) {
    }

    /** One service as compose reports it: its container's state, health ("none" without a check), exit code. */
    public record ServiceState(String service, String container, String status, String health, int exitCode) {

        /** Running and healthy (with a health check), running (without one), or the topics step ended with 0. */
        public boolean ready() {
            if (TOPICS_SERVICE.equals(service)) {
                return "exited".equals(status) && exitCode == 0;
            }
            return "running".equals(status) && ("healthy".equals(health) || "none".equals(health));
        }

        /** Will never be ready: exited (other than the topics step with 0), or unhealthy. */
        boolean failed() {
            return ("exited".equals(status) || "dead".equals(status)) && !ready() || "unhealthy".equals(health);
        }
    }

    private final Options options;
    private final OnMarathon mesh;

    private ComposeRun(Options options, OnMarathon mesh) {
        this.options = options;
        this.mesh = mesh;
    }

    /** Checks that every port is free; nothing runs yet ({@link #up(PrintStream)}). */
    public static ComposeRun start(Options options) {
        return new ComposeRun(options, OnMarathon.attached(new OnMarathon.Options(options.root(), options.home(), true,
                options.readyTimeout()), PORTS, STAND_IN_ID));
    }

    public OnMarathon mesh() {
        return mesh;
    }

    /** Builds the images, brings the registry up, writes the settings, brings everything up, waits for health. */
    public void up(PrintStream out) {
        out.println("[1/6] images: bin/quayside images --no-build --devstack");
        mesh.images(out, "--devstack");
        out.println("[2/6] docker-compose up -d registry");
        long start = System.nanoTime();
        compose(Duration.ofMinutes(2), "up", "-d", "registry");
        awaitHealthy(List.of("registry"), start, Duration.ofMinutes(1), out);
        out.println("[3/6] sample repositories (served over SSH); settings in " + mesh.configDir() + ", secrets in "
                + mesh.secretsDir());
        mesh.serveRepositories(out);
        mesh.writeConfig();
        mesh.writeSecrets();
        out.println("[4/6] docker-compose -f docker-compose.yml -f " + OVERRIDE + " up -d");
        out.println("[5/6] every service ready (healthy by compose's health status; kafka-topics exited 0)");
        start = System.nanoTime();
        compose(options.readyTimeout(), "up", "-d");
        awaitHealthy(services(), start, options.readyTimeout(), out);
        mesh.installHooks();
    }

    /** [6/6]: a commit of the sample app through the containers, followed until HAProxy serves it. */
    public PipelineWatch.Result pushSample(String version, Duration timeout, PrintStream out) {
        return mesh.pushSample(version, timeout, out);
    }

    /** The services of the two files ({@code docker-compose config --services}). */
    public List<String> services() {
        return compose(Duration.ofSeconds(60), "config", "--services").lines().map(String::strip)
                .filter(line -> line.matches("[a-z0-9][a-z0-9_.-]*")).toList();
    }

    /** Each service's state as compose and Docker report it; a service without a container is left out. */
    public Map<String, ServiceState> states() {
        Map<String, ServiceState> states = new LinkedHashMap<>();
        for (String service : services()) {
            List<String> ids = compose(Duration.ofSeconds(60), "ps", "-a", "-q", service).lines().map(String::strip)
                    .filter(line -> line.matches("[0-9a-f]{64}")).toList();
            if (ids.isEmpty()) {
                continue;
            }
            String id = ids.get(0);
            String[] fields = DockerCli.run(Duration.ofSeconds(30), "inspect", "-f", "{{.State.Status}} "
                    + "{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.ExitCode}}", id)
                    .strip().split(" ");
            states.put(service, new ServiceState(service, id, fields[0], fields[1], Integer.parseInt(fields[2])));
        }
        return states;
    }

    /** Waits until each of {@code services} is {@link ServiceState#ready()}; the times are since {@code start}. */
    private void awaitHealthy(List<String> services, long start, Duration timeout, PrintStream out) {
        long deadline = start + timeout.toNanos();
        List<String> waiting = new ArrayList<>(services);
        while (true) {
            Map<String, ServiceState> states = states();
            for (String service : List.copyOf(waiting)) {
                ServiceState state = states.get(service);
                if (state != null && state.ready()) {
                    waiting.remove(service);
                    out.printf("      %-20s %s %s, %.1f s after up%n", service, state.status(), state.health(),
                            (System.nanoTime() - start) / 1e9);
                } else if (state != null && state.failed()) {
                    throw new IllegalStateException(service + " failed: " + state + "\n" + logs(service));
                }
            }
            if (waiting.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                StringBuilder why = new StringBuilder("not ready within " + timeout.toSeconds() + " s: " + waiting);
                waiting.forEach(service -> why.append("\n---- ").append(states.get(service)).append('\n')
                        .append(logs(service)));
                throw new IllegalStateException(why.toString());
            }
            Pause.millis(2000);
        }
    }

    /** The last lines of a service's log. */
    public String logs(String service) {
        OnMarathon.Result result = run(Duration.ofSeconds(60), "logs", "--no-color", "--tail", "40", service);
        return result.output();
    }

    /** {@code docker-compose -p <project> -f docker-compose.yml -f deploy/compose.local.yml <args>}; fails on exit != 0. */
    public String compose(Duration timeout, String... args) {
        OnMarathon.Result result = run(timeout, args);
        if (result.exit() != 0) {
            throw new IllegalStateException("docker-compose " + String.join(" ", args) + " failed (exit "
                    + result.exit() + "):\n" + result.output());
        }
        return result.output();
    }

    private OnMarathon.Result run(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of("docker-compose", "--ansi", "never", "-p", options.project(), "-f",
                options.root().resolve("docker-compose.yml").toString(), "-f",
                options.root().resolve(OVERRIDE).toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(options.root().toFile())
                .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("QUAYSIDE_VERSION", mesh.version());
        env.put("QUAYSIDE_CONFIG_DIR", mesh.configDir().toString());
        env.put("QUAYSIDE_SECRETS_DIR", mesh.secretsDir().toString());
        env.put("QUAYSIDE_DOCKER_GID", String.valueOf(OnMarathon.dockerGid()));
        return OnMarathon.exec(builder, timeout);
    }


    /** {@code docker-compose down -v} (the Marathon stand-in stops its task containers as it stops), then the rest. */
    @Override
    public void close() {
        try {
            compose(Duration.ofMinutes(3), "down", "-v", "--remove-orphans", "-t", "60");
        } finally {
            mesh.close();
        }
    }
}
