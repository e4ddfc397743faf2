package dev.quayside.registrator.client;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.ListContainersCmd;
import com.github.dockerjava.api.command.EventsCmd;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.quayside.registrator.config.DockerConfig;
import dev.quayside.registrator.config.RegistratorConfig;
import dev.quayside.registrator.service.ContainerFacts;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The Docker engine, through docker-java (zerodep transport): list and inspect containers, follow the event stream.
 * Requests have a timeout; the event stream has its own connection without one.
 */
@ApplicationScoped
public class DockerEngineClient {

    private static final Logger LOG = Logger.getLogger(DockerEngineClient.class);
    /**
     * The container events registrator acts on. {@code kill} comes when the engine delivers a signal (for
     * {@code docker stop}: the stop signal, before the container dies); the engine matches {@code health_status}
     * against {@code health_status: healthy|unhealthy}.
     */
    public static final String[] ACTIONS = {"start", "kill", "health_status", "die", "stop", "destroy"};

    private final DockerClient requests;
    private final DockerClient streams;
    private final String host;
    private final Optional<String> label;
    private final Timer inspectTimer;
    /** Each image's own {@code SERVICE_*} entries, by image id. */
    private final Map<String, Set<String>> imageEntries = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_IMAGES_KEPT = 1024;

    @Inject
    DockerEngineClient(DockerConfig docker, RegistratorConfig registrator, MeterRegistry meters) {
        this(docker.host(), docker.timeout(), registrator.containerLabel(), meters);
    }

    /**
     * @param dockerHost the engine's address, or empty for {@code DOCKER_HOST} / the Unix socket
     * @param timeout    timeout of each request
     * @param label      only containers with this label ({@code key} or {@code key=value}), or empty for all
     */
    public DockerEngineClient(Optional<String> dockerHost, Duration timeout, Optional<String> label,
            MeterRegistry meters) {
        DefaultDockerClientConfig.Builder builder = DefaultDockerClientConfig.createDefaultConfigBuilder();
        dockerHost.ifPresent(builder::withDockerHost);
        DefaultDockerClientConfig config = builder.build();
        this.host = config.getDockerHost().toString();
        this.requests = DockerClientImpl.getInstance(config, http(config, timeout));
        this.streams = DockerClientImpl.getInstance(config, http(config, Duration.ofDays(1)));
        this.label = label;
        this.inspectTimer = Timer.builder("quayside.registrator.docker.inspect").register(meters);
    }

    private static ZerodepDockerHttpClient http(DefaultDockerClientConfig config, Duration responseTimeout) {
        return new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(32)
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(responseTimeout)
                .build();
    }

    /** Where the engine is. */
    public String host() {
        return host;
    }

    /** Throws when the engine does not answer. */
    public void ping() {
        requests.pingCmd().exec();
    }

    /** Ids of the running containers (those carrying the configured label, when one is). */
    public List<String> runningContainerIds() {
        ListContainersCmd cmd = requests.listContainersCmd().withStatusFilter(List.of("running"));
        label.ifPresent(l -> cmd.withLabelFilter(List.of(l)));
        List<String> ids = new ArrayList<>();
        cmd.exec().forEach(c -> ids.add(c.getId()));
        return ids;
    }

    /** The container's facts, or empty when it no longer exists. */
    public Optional<ContainerFacts> inspect(String containerId) {
        try {
            InspectContainerResponse response = inspectTimer.record(
                    () -> requests.inspectContainerCmd(containerId).exec());
            return Optional.of(facts(response, imageEntries(response.getImageId())));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * Inspects many containers, {@code concurrency} at a time; containers gone meanwhile are left out. A failure of
     * the engine fails the whole call.
     */
    public Map<String, ContainerFacts> inspectAll(List<String> containerIds, int concurrency) {
        Map<String, ContainerFacts> facts = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Math.max(1, Math.min(concurrency, containerIds.size())), r -> {
                    Thread thread = new Thread(r, "registrator-inspect");
                    thread.setDaemon(true);
                    return thread;
                });
        try {
            List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
            for (String id : containerIds) {
                futures.add(pool.submit(() -> inspect(id).ifPresent(f -> facts.put(id, f))));
            }
            for (java.util.concurrent.Future<?> future : futures) {
                future.get();
            }
            return facts;
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while inspecting containers", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** A container event registrator acts on. */
    public record ContainerEvent(String action, String containerId, Map<String, String> attributes, long timeNano) {
    }

    /** Receives the event stream. Calls come from the stream's own thread. */
    public interface EventListener {

        /** The engine accepted the subscription: events from {@code since} on will arrive. */
        void connected();

        void event(ContainerEvent event);

        /** The stream ended (daemon restart, network, close): nothing more will arrive on it. */
        void dropped(Throwable cause);
    }

    /**
     * Subscribes to container events from {@code sinceSeconds} (Unix time; the engine replays what it buffered since).
     * The returned handle closes the stream.
     */
    public Closeable followEvents(long sinceSeconds, EventListener listener) {
        EventsCmd cmd = streams.eventsCmd()
                .withEventTypeFilter(EventType.CONTAINER)
                .withEventFilter(ACTIONS)
                .withSince(Long.toString(sinceSeconds));
        label.ifPresent(l -> cmd.withLabelFilter(l));
        ResultCallback.Adapter<Event> callback = new ResultCallback.Adapter<>() {
            private volatile boolean ended;

            @Override
            public void onStart(Closeable stream) {
                super.onStart(stream);
                listener.connected();
            }

            @Override
            public void onNext(Event event) {
                String action = event.getAction() != null ? event.getAction() : event.getStatus();
                Map<String, String> attributes = event.getActor() == null || event.getActor().getAttributes() == null
                        ? Map.of() : event.getActor().getAttributes();
                long nano = event.getTimeNano() != null ? event.getTimeNano()
                        : event.getTime() == null ? 0 : event.getTime() * 1_000_000_000L;
                listener.event(new ContainerEvent(action, event.getId(), attributes, nano));
            }

            @Override
            public void onError(Throwable throwable) {
                end(throwable);
            }

            @Override
            public void onComplete() {
                end(null);
            }

            private void end(Throwable cause) {
                if (!ended) {
                    ended = true;
                    listener.dropped(cause);
                }
                try {
                    super.close();
                } catch (IOException | RuntimeException e) {
                    LOG.debugf(e, "closing the event stream");
                }
            }
        };
        cmd.exec(callback);
        return callback;
    }

    /**
     * The {@code SERVICE_*} entries ({@code KEY=value}) image {@code imageId} sets in its own {@code ENV} and
     * {@code LABEL}s; kept per image id (an id names one content). None when the image is gone.
     */
    Set<String> imageEntries(String imageId) {
        if (imageId == null || imageId.isEmpty()) {
            return Set.of();
        }
        Set<String> known = imageEntries.get(imageId);
        if (known != null) {
            return known;
        }
        InspectImageResponse image;
        try {
            image = requests.inspectImageCmd(imageId).exec();
        } catch (NotFoundException e) {
            return Set.of();
        }
        Set<String> entries = new HashSet<>();
        var config = image.getConfig();
        if (config != null) {
            if (config.getEnv() != null) {
                for (String entry : config.getEnv()) {
                    if (entry.startsWith("SERVICE_")) {
                        entries.add(entry);
                    }
                }
            }
            if (config.getLabels() != null) {
                config.getLabels().forEach((key, value) -> {
                    if (key.startsWith("SERVICE_")) {
                        entries.add(key + "=" + value);
                    }
                });
            }
        }
        if (imageEntries.size() >= MAX_IMAGES_KEPT) {
            imageEntries.clear();
        }
        Set<String> kept = Set.copyOf(entries);
        imageEntries.put(imageId, kept);
        return kept;
    }

    static ContainerFacts facts(InspectContainerResponse c, Set<String> imageEntries) {
        var config = c.getConfig();
        List<String> env = config.getEnv() == null ? List.of() : Arrays.asList(config.getEnv());
        Map<String, String> labels = config.getLabels() == null ? Map.of() : config.getLabels();
        List<String> exposed = new ArrayList<>();
        if (config.getExposedPorts() != null) {
            for (ExposedPort port : config.getExposedPorts()) {
                exposed.add(port.toString());
            }
        }
        Map<String, List<ContainerFacts.HostBinding>> published = new LinkedHashMap<>();
        String containerIp = null;
        Map<String, String> networkIps = new HashMap<>();
        var settings = c.getNetworkSettings();
        if (settings != null) {
            Ports ports = settings.getPorts();
            if (ports != null && ports.getBindings() != null) {
                ports.getBindings().forEach((port, bindings) -> {
                    List<ContainerFacts.HostBinding> list = new ArrayList<>();
                    if (bindings != null) {
                        for (Ports.Binding binding : bindings) {
                            list.add(new ContainerFacts.HostBinding(binding.getHostIp(), binding.getHostPortSpec()));
                        }
                    }
                    published.put(port.toString(), list);
                });
            }
            containerIp = emptyToNull(settings.getIpAddress());
            if (settings.getNetworks() != null) {
                for (Map.Entry<String, ContainerNetwork> network : settings.getNetworks().entrySet()) {
                    String ip = emptyToNull(network.getValue().getIpAddress());
                    if (ip != null) {
                        networkIps.put(network.getKey(), ip);
                        if (containerIp == null) {
                            containerIp = ip;
                        }
                    }
                }
            }
        }
        String name = c.getName() == null ? c.getId() : c.getName().replaceFirst("^/", "");
        var state = c.getState();
        boolean running = state != null && Boolean.TRUE.equals(state.getRunning());
        Integer exit = state == null || state.getExitCodeLong() == null ? null : state.getExitCodeLong().intValue();
        String networkMode = c.getHostConfig() == null ? null : c.getHostConfig().getNetworkMode();
        String health = state == null || state.getHealth() == null ? null : state.getHealth().getStatus();
        return new ContainerFacts(c.getId(), name, config.getImage(), env, labels, exposed, published, networkMode,
                containerIp, networkIps, running, exit, health, imageEntries);
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    @PreDestroy
    public void close() {
        try {
            requests.close();
            streams.close();
        } catch (IOException e) {
            LOG.debugf(e, "closing docker clients");
        }
    }
}
