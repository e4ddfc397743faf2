package dev.quayside.registrator.service;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What registrator needs to know about one container, taken from {@code docker inspect}: pure data, so the naming rules
 * can be tested without a daemon.
 *
 * @param id            full container id
 * @param name          container name without the leading slash
 * @param image         the image as the container was created with ({@code Config.Image})
 * @param env           {@code Config.Env} entries, {@code KEY=value}
 * @param labels        {@code Config.Labels} (container and image labels merged, as Docker reports them)
 * @param exposedPorts  {@code Config.ExposedPorts} keys, e.g. {@code 8080/tcp}
 * @param publishedPorts {@code NetworkSettings.Ports}: port key to its host bindings (an empty list: exposed, not
 *                      published)
 * @param networkMode   {@code HostConfig.NetworkMode}
 * @param containerIp   {@code NetworkSettings.IPAddress}, or the first network's address; null when none
 * @param networkIps    address of the container on each network it joined
 * @param running       {@code State.Running}
 * @param exitCode      {@code State.ExitCode}
 * @param health        {@code State.Health.Status} ({@code starting}, {@code healthy}, {@code unhealthy}), null
 *                      without a Docker health check
 * @param imageEntries  the {@code SERVICE_*} entries ({@code KEY=value}) the image itself sets, in its {@code ENV} or
 *                      {@code LABEL}s: Docker merges them into the container's, and whoever pushed the Dockerfile
 *                      wrote them, not the deployment's definition
 */
public record ContainerFacts(String id, String name, String image, List<String> env, Map<String, String> labels,
        List<String> exposedPorts, Map<String, List<HostBinding>> publishedPorts, String networkMode,
        String containerIp, Map<String, String> networkIps, boolean running, Integer exitCode, String health,
        Set<String> imageEntries) {

    /** A container whose image sets no {@code SERVICE_*} entry. */
    public ContainerFacts(String id, String name, String image, List<String> env, Map<String, String> labels,
            List<String> exposedPorts, Map<String, List<HostBinding>> publishedPorts, String networkMode,
            String containerIp, Map<String, String> networkIps, boolean running, Integer exitCode, String health) {
        this(id, name, image, env, labels, exposedPorts, publishedPorts, networkMode, containerIp, networkIps, running,
                exitCode, health, Set.of());
    }

    /** Docker's health status of a container whose health check fails. */
    public static final String UNHEALTHY = "unhealthy";

    /** A container without a Docker health check. */
    public ContainerFacts(String id, String name, String image, List<String> env, Map<String, String> labels,
            List<String> exposedPorts, Map<String, List<HostBinding>> publishedPorts, String networkMode,
            String containerIp, Map<String, String> networkIps, boolean running, Integer exitCode) {
        this(id, name, image, env, labels, exposedPorts, publishedPorts, networkMode, containerIp, networkIps, running,
                exitCode, null);
    }

    public ContainerFacts {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        env = env == null ? List.of() : List.copyOf(env);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        exposedPorts = exposedPorts == null ? List.of() : List.copyOf(exposedPorts);
        publishedPorts = publishedPorts == null ? Map.of() : Map.copyOf(publishedPorts);
        networkIps = networkIps == null ? Map.of() : Map.copyOf(networkIps);
        imageEntries = imageEntries == null ? Set.of() : Set.copyOf(imageEntries);
        image = image == null ? "" : image;
        networkMode = networkMode == null ? "" : networkMode;
    }

    /** One host binding of a published port ({@code HostIp} may be empty: all interfaces). */
    public record HostBinding(String hostIp, String hostPort) {
    }

    /** The value of the environment variable {@code key}, or null. */
    public String envValue(String key) {
        String prefix = key + "=";
        String found = null;
        for (String entry : env) {
            if (entry.startsWith(prefix)) {
                found = entry.substring(prefix.length());
            }
        }
        return found;
    }

    /** True when Docker's health check reports the container unhealthy. */
    public boolean unhealthy() {
        return UNHEALTHY.equals(health);
    }

    /** The first 12 characters of the id, as Docker prints it. */
    public String shortId() {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
