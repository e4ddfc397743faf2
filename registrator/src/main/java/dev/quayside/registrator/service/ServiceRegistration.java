package dev.quayside.registrator.service;

import java.util.List;
import java.util.Map;

/**
 * One service registration registrator makes for one port of one container, and where it came from.
 *
 * @param id            Consul service id
 * @param name          Consul service name
 * @param address       registered address
 * @param port          registered port
 * @param tags          Consul tags
 * @param meta          Consul {@code Meta}
 * @param check         the service's check, or null
 * @param container     the container it was made for
 * @param exposedPort   the container port, e.g. {@code 8080}
 * @param protocol      {@code tcp} or {@code udp}
 */
public record ServiceRegistration(String id, String name, String address, int port, List<String> tags,
        Map<String, String> meta, ServiceCheck check, ContainerFacts container, String exposedPort,
        String protocol) {

    public ServiceRegistration {
        tags = List.copyOf(tags);
        meta = Map.copyOf(meta);
    }
}
