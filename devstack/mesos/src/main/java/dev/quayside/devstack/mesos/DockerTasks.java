package dev.quayside.devstack.mesos;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The single-host Mesos agent the stand-ins launch on: runs one task as one labelled container on the local engine
 * (docker-java over the Unix socket or {@code DOCKER_HOST}), publishes its ports on 127.0.0.1 only (or runs it in the
 * host network, which the task binds itself), binds host paths into it, kills it as Mesos'
 * Docker executor does ({@code docker stop --time <grace>}: the stop signal, the grace period, then SIGKILL), removes
 * it, lists what it owns. Every call blocks; callers run them off the HTTP threads.
 */
public final class DockerTasks implements AutoCloseable {

    /** Label on every container a stand-in starts. */
    public static final String LABEL_DEVSTACK = "quayside.devstack";
    /** Which stand-in instance owns the container (the Marathon stand-in's {@code standInId}). */
    public static final String LABEL_STAND_IN = "quayside.marathon.stand-in";
    public static final String LABEL_APP_ID = "quayside.marathon.app-id";
    public static final String LABEL_APP_VERSION = "quayside.marathon.app-version";
    public static final String LABEL_TASK_ID = "quayside.marathon.task-id";
    public static final String LABEL_STAGED_AT = "quayside.marathon.staged-at";
    public static final String LABEL_HOST_PORTS = "quayside.marathon.host-ports";
    public static final String LABEL_APP_DEFINITION = "quayside.marathon.app-definition";
    public static final String LABEL_CHRONOS_JOB = "quayside.chronos.job";

    private final DockerClient docker;
    private final String dockerHost;
    private final boolean init;

    /**
     * What to run. {@code entrypoint}/{@code cmd} null keep the image's. {@code hostNetwork}: the container shares the
     * host's network ({@code --network host}; {@code ports} are then not published, the task binds its host ports
     * itself); {@code mounts}: host paths bound into the container ({@code -v host:container[:ro]});
     * {@code groupAdd}: supplementary groups of the container's user ({@code --group-add}).
     */
    public record Spec(String name, String image, boolean forcePull, List<String> entrypoint, List<String> cmd,
            List<String> env, Map<String, String> labels, List<PortBinding> ports, double cpus, double memMb,
            boolean hostNetwork, List<Mount> mounts, List<String> groupAdd) {

        /** A container on its own network with its ports published on 127.0.0.1, no mounts, no extra groups. */
        public Spec(String name, String image, boolean forcePull, List<String> entrypoint, List<String> cmd,
                List<String> env, Map<String, String> labels, List<PortBinding> ports, double cpus, double memMb) {
            this(name, image, forcePull, entrypoint, cmd, env, labels, ports, cpus, memMb, false, List.of(), List.of());
        }
    }

    /** A host path bound into the container at {@code containerPath}, read-only unless {@code readWrite}. */
    public record Mount(String hostPath, String containerPath, boolean readWrite) {
    }

    /** Container port published on 127.0.0.1:hostPort. */
    public record PortBinding(int containerPort, int hostPort, String protocol) {
    }

    /** A container as listed. */
    public record Owned(String id, Map<String, String> labels, String state, boolean running) {
    }

    /** Exit information of a stopped container. */
    public record Exit(Long exitCode, String error, boolean oomKilled) {
    }

    public DockerTasks(String dockerHost, boolean init) {
        DefaultDockerClientConfig.Builder builder = DefaultDockerClientConfig.createDefaultConfigBuilder();
        if (dockerHost != null && !dockerHost.isBlank()) {
            builder.withDockerHost(dockerHost);
        }
        DockerClientConfig config = builder.build();
        this.dockerHost = config.getDockerHost().toString();
        ZerodepDockerHttpClient http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(64)
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofMinutes(5))
                .build();
        this.docker = DockerClientImpl.getInstance(config, http);
        this.init = init;
    }

    /** Fails with a clear message when no Docker engine answers. */
    public void ping() {
        try {
            docker.pingCmd().exec();
        } catch (RuntimeException e) {
            throw new IllegalStateException("No Docker engine answers at " + dockerHost
                    + " (start dockerd, or set DOCKER_HOST): " + e.getMessage(), e);
        }
    }

    public String dockerHost() {
        return dockerHost;
    }

    public DockerClient client() {
        return docker;
    }

    /** Pulls the image when it is not present locally (or always with forcePull). */
    public void ensureImage(String image, boolean forcePull) throws InterruptedException {
        if (!forcePull) {
            try {
                docker.inspectImageCmd(image).exec();
                return;
            } catch (NotFoundException e) {
                // pull below
            }
        }
        String ref = image.contains("@") || image.substring(image.lastIndexOf('/') + 1).contains(":") ? image
                : image + ":latest";
        try {
            docker.pullImageCmd(ref).exec(new PullImageResultCallback()).awaitCompletion(5, TimeUnit.MINUTES);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Failed to pull image " + image + ": " + e.getMessage(), e);
        }
        try {
            docker.inspectImageCmd(image).exec();
        } catch (NotFoundException e) {
            throw new IllegalStateException("Image " + image + " is not available after pull", e);
        }
    }

    /** Creates and starts the container; returns its id. Removes the half-made container when starting fails. */
    public String run(Spec spec) throws InterruptedException {
        ensureImage(spec.image(), spec.forcePull());
        List<ExposedPort> exposed = new ArrayList<>();
        Ports bindings = new Ports();
        for (PortBinding p : spec.ports()) {
            ExposedPort ep = "udp".equalsIgnoreCase(p.protocol()) ? ExposedPort.udp(p.containerPort())
                    : ExposedPort.tcp(p.containerPort());
            exposed.add(ep);
            bindings.bind(ep, Ports.Binding.bindIpAndPort("127.0.0.1", p.hostPort()));
        }
        HostConfig host = HostConfig.newHostConfig().withInit(init);
        if (spec.hostNetwork()) {
            exposed.clear(); // the task binds its host ports itself; nothing is published
            host.withNetworkMode("host");
        } else {
            host.withPortBindings(bindings);
        }
        if (!spec.mounts().isEmpty()) {
            host.withBinds(spec.mounts().stream().map(m -> new Bind(m.hostPath(), new Volume(m.containerPath()),
                    m.readWrite() ? AccessMode.rw : AccessMode.ro)).toList());
        }
        if (!spec.groupAdd().isEmpty()) {
            host.withGroupAdd(spec.groupAdd());
        }
        if (spec.memMb() > 0) {
            long bytes = (long) (Math.max(spec.memMb(), 8) * 1024 * 1024);
            host.withMemory(bytes).withMemorySwap(bytes);
        }
        if (spec.cpus() > 0) {
            double cpus = Math.min(spec.cpus(), Runtime.getRuntime().availableProcessors());
            host.withNanoCPUs((long) (Math.max(cpus, 0.01) * 1_000_000_000L));
        }
        CreateContainerCmd create = docker.createContainerCmd(spec.image()).withName(spec.name())
                .withLabels(spec.labels()).withEnv(spec.env()).withExposedPorts(exposed).withHostConfig(host);
        if (spec.entrypoint() != null) {
            create.withEntrypoint(spec.entrypoint());
        }
        if (spec.cmd() != null) {
            create.withCmd(spec.cmd());
        }
        String id = create.exec().getId();
        try {
            docker.startContainerCmd(id).exec();
        } catch (RuntimeException e) {
            remove(id);
            throw e;
        }
        return id;
    }

    /** Stops (stop signal, then SIGKILL after the grace period) and removes the container. */
    public void stopAndRemove(String containerId, int graceSeconds) {
        stop(containerId, graceSeconds);
        remove(containerId);
    }

    /**
     * Kills the container as Mesos' Docker executor kills a task ({@code src/docker/executor.cpp}, {@code _killTask}):
     * {@code docker stop --time <graceSeconds>}, that is the container's stop signal (SIGTERM unless the image says
     * otherwise), the grace period, then SIGKILL; returns how the container ended, once it no longer runs.
     */
    public Exit kill(String containerId, int graceSeconds) {
        stop(containerId, graceSeconds);
        return exit(containerId);
    }

    /** Stop signal, then SIGKILL after the grace period; returns when the container no longer runs. */
    public void stop(String containerId, int graceSeconds) {
        try {
            docker.stopContainerCmd(containerId).withTimeout(Math.max(0, graceSeconds)).exec();
        } catch (NotFoundException | NotModifiedException e) {
            // already gone or stopped
        } catch (RuntimeException e) {
            // the forced remove that follows kills it
        }
    }

    public void remove(String containerId) {
        try {
            docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // gone
        } catch (ConflictException e) {
            // removal already in progress
        }
    }

    public Exit exit(String containerId) {
        try {
            InspectContainerResponse.ContainerState state = docker.inspectContainerCmd(containerId).exec().getState();
            return new Exit(state.getExitCodeLong(), state.getError(), Boolean.TRUE.equals(state.getOOMKilled()));
        } catch (NotFoundException e) {
            return new Exit(null, "container vanished", false);
        }
    }

    /** Every container (running or not) with {@code label=value}. */
    public List<Owned> list(String label, String value) {
        List<Container> containers = docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(label, value)).exec();
        List<Owned> owned = new ArrayList<>(containers.size());
        for (Container c : containers) {
            owned.add(new Owned(c.getId(), c.getLabels() == null ? Map.of() : c.getLabels(), c.getState(),
                    "running".equals(c.getState())));
        }
        return owned;
    }

    /** Removes (forced) every container of stand-in {@code standInId} that carries {@code label}; best effort. */
    public void removeAll(String standInId, String label) {
        try {
            for (Owned c : list(LABEL_STAND_IN, standInId)) {
                if (c.labels().containsKey(label)) {
                    remove(c.id());
                }
            }
        } catch (RuntimeException e) {
            java.util.logging.Logger.getLogger(DockerTasks.class.getName())
                    .warning("Could not remove the containers of stand-in " + standInId + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            docker.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
