package dev.quayside.registrator;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import dev.quayside.devstack.docker.DockerEngine;
import dev.quayside.devstack.docker.SampleApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Real containers for registrator's tests: the busybox sample app ({@code FROM scratch}, httpd on 8080), published on
 * 127.0.0.1 only, labelled with this run's id so registrator under test sees only them. {@link #close} removes every
 * container it started.
 */
public final class TestContainers implements AutoCloseable {

    /** The sample image, built once per daemon from {@link SampleApp#writeSource} (2: drains on SIGTERM). */
    public static final String IMAGE = "quayside-registrator-test/sample-app:2";
    /** The label marking this run's containers. */
    public static final String LABEL = "dev.quayside.registrator-test";

    private final DockerClient docker = DockerEngine.requireRunning();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> started = new CopyOnWriteArrayList<>();
    private final List<String> built = new CopyOnWriteArrayList<>();

    public TestContainers() {
        ensureImage(docker);
    }

    /** The label filter (key=value) of this run, for {@code quayside.registrator.container-label}. */
    public String labelFilter() {
        return LABEL + "=" + run;
    }

    public String run() {
        return run;
    }

    public DockerClient docker() {
        return docker;
    }

    /** A container spec: env, labels, extra exposed ports, and which ports to publish on 127.0.0.1. */
    public static final class Spec {
        final String name;
        final List<String> env = new ArrayList<>();
        final Map<String, String> labels = new HashMap<>();
        final List<ExposedPort> expose = new ArrayList<>(List.of(ExposedPort.tcp(SampleApp.PORT)));
        final List<ExposedPort> publish = new ArrayList<>(List.of(ExposedPort.tcp(SampleApp.PORT)));
        String[] entrypoint;
        com.github.dockerjava.api.model.HealthCheck healthCheck;
        String image = IMAGE;

        public Spec(String name) {
            this.name = name;
        }

        public Spec env(String... entries) {
            env.addAll(List.of(entries));
            return this;
        }

        public Spec label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        /** Exposes and publishes one more port. */
        public Spec port(ExposedPort port) {
            expose.add(port);
            publish.add(port);
            return this;
        }

        /** Exposes a port without publishing it. */
        public Spec exposeOnly(ExposedPort port) {
            expose.add(port);
            return this;
        }

        public Spec noPublish() {
            publish.clear();
            return this;
        }

        /** A Docker {@code HEALTHCHECK}: {@code command} run by busybox every {@code intervalMillis}, 1 retry. */
        public Spec healthCheck(long intervalMillis, String... command) {
            List<String> test = new ArrayList<>(List.of("CMD", "/bin/busybox"));
            test.addAll(List.of(command));
            healthCheck = new com.github.dockerjava.api.model.HealthCheck().withTest(test)
                    .withInterval(intervalMillis * 1_000_000).withTimeout(2_000_000_000L).withRetries(1)
                    .withStartPeriod(0L);
            return this;
        }

        /** Runs another image (built here, e.g. by {@link TestContainers#buildFromSample}). */
        public Spec image(String image) {
            this.image = image;
            return this;
        }

        /** Runs {@code sh -c script} instead of httpd. */
        public Spec shell(String script) {
            entrypoint = new String[] {"/bin/busybox", "sh", "-c", script};
            return this;
        }
    }

    /** The name a spec's container gets: unique per run. */
    public String containerName(String name) {
        return "rt-" + run + "-" + name;
    }

    /** Creates and starts a container; returns its id. */
    public String start(Spec spec) {
        String id = create(spec);
        docker.startContainerCmd(id).exec();
        return id;
    }

    /** Creates (does not start) a container; returns its id. */
    public String create(Spec spec) {
        Map<String, String> labels = new HashMap<>(spec.labels);
        labels.put(LABEL, run);
        List<PortBinding> bindings = new ArrayList<>();
        for (ExposedPort port : spec.publish) {
            bindings.add(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), port));
        }
        try (CreateContainerCmd cmd = docker.createContainerCmd(spec.image)) {
            cmd.withName(containerName(spec.name))
                    .withEnv(spec.env)
                    .withLabels(labels)
                    .withExposedPorts(spec.expose)
                    .withHostConfig(HostConfig.newHostConfig().withPortBindings(bindings));
            if (spec.entrypoint != null) {
                cmd.withEntrypoint(spec.entrypoint);
            }
            if (spec.healthCheck != null) {
                cmd.withHealthcheck(spec.healthCheck);
            }
            String id = cmd.exec().getId();
            started.add(id);
            return id;
        }
    }

    /** The host port Docker published {@code containerPort/tcp} on. */
    public int hostPort(String id, int containerPort) {
        Ports.Binding[] bindings = docker.inspectContainerCmd(id).exec().getNetworkSettings().getPorts().getBindings()
                .get(ExposedPort.tcp(containerPort));
        return Integer.parseInt(bindings[0].getHostPortSpec());
    }

    public void stop(String id) {
        docker.stopContainerCmd(id).withTimeout(1).exec();
    }

    public void kill(String id) {
        docker.killContainerCmd(id).exec();
    }

    /** Sends {@code signal} (e.g. {@code HUP}, {@code TERM}) as {@code docker kill -s} does. */
    public void signal(String id, String signal) {
        docker.killContainerCmd(id).withSignal(signal).exec();
    }

    /** {@code docker stop --time graceSeconds}: returns once the container stopped. */
    public void stop(String id, int graceSeconds) {
        docker.stopContainerCmd(id).withTimeout(graceSeconds).exec();
    }

    /** Runs {@code /bin/busybox args...} in the container and waits for it. */
    public void exec(String id, String... args) {
        List<String> command = new ArrayList<>(List.of("/bin/busybox"));
        command.addAll(List.of(args));
        String exec = docker.execCreateCmd(id).withCmd(command.toArray(String[]::new)).exec().getId();
        try {
            docker.execStartCmd(exec).exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<>())
                    .awaitCompletion(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** True while the container runs. */
    public boolean running(String id) {
        return Boolean.TRUE.equals(docker.inspectContainerCmd(id).exec().getState().getRunning());
    }

    public void remove(String id) {
        try {
            docker.removeContainerCmd(id).withForce(true).exec();
        } catch (NotFoundException e) {
            // already gone
        }
    }

    @Override
    public void close() {
        for (String id : started) {
            remove(id);
        }
        started.clear();
        for (String tag : built) {
            try {
                docker.removeImageCmd(tag).withForce(true).exec();
            } catch (RuntimeException e) {
                // already gone
            }
        }
        built.clear();
    }

    /**
     * Builds image {@code tag} from the sample app's image (no pull) with the Dockerfile lines {@code lines} (e.g.
     * {@code LABEL}, {@code ENV}); it is removed on {@link #close()}.
     */
    public String buildFromSample(String tag, String... lines) {
        try {
            Path dir = Files.createTempDirectory("registrator-image");
            try {
                Files.writeString(dir.resolve("Dockerfile"), "FROM " + IMAGE + "\n" + String.join("\n", lines) + "\n");
                docker.buildImageCmd(dir.toFile()).withTags(Set.of(tag)).withPull(false).start().awaitImageId();
            } finally {
                try (var paths = Files.walk(dir)) {
                    paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        built.add(tag);
        return tag;
    }

    private static synchronized void ensureImage(DockerClient docker) {
        try {
            docker.inspectImageCmd(IMAGE).exec();
            return;
        } catch (NotFoundException e) {
            // build it below
        }
        try {
            Path dir = Files.createTempDirectory("registrator-sample");
            try {
                SampleApp.writeSource(dir, "test");
                docker.buildImageCmd(dir.toFile()).withTags(Set.of(IMAGE)).start().awaitImageId();
            } finally {
                try (var paths = Files.walk(dir)) {
                    paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
