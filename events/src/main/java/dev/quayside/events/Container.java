package dev.quayside.events;

import java.util.List;
import java.util.Map;

/**
 * A container's service registration, as registrator made it.
 *
 * @param serviceId     the Consul service id ({@code <host>:<container>:<port>[:udp]} unless overridden)
 * @param serviceName   the Consul service name
 * @param host          the Docker host's name
 * @param address       the registered address
 * @param port          the registered port
 * @param marathonAppId {@code MARATHON_APP_ID}, when Marathon started it
 * @param mesosTaskId   {@code MESOS_TASK_ID}, when Marathon started it
 * @param revision      the image's {@code org.opencontainers.image.revision} label, when present
 */
public record Container(String serviceId, String serviceName, String host, String containerId,
        String containerName, String image, String address, int port, List<String> tags, Map<String, String> meta,
        String marathonAppId, String mesosTaskId, String revision) {
}
