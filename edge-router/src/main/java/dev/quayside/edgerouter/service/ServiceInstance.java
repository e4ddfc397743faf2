package dev.quayside.edgerouter.service;

import java.util.List;
import java.util.Map;

/**
 * One instance of a service in the Consul catalog, with its aggregated health.
 *
 * @param id      the Consul service id
 * @param service the service name
 * @param node    the node it is registered on
 * @param address the service address (the node's when the service has none)
 * @param port    the service port
 * @param tags    Consul tags
 * @param meta    Consul {@code Meta}
 * @param health  the worst of its checks (no checks: passing)
 * @param createIndex Consul's {@code CreateIndex} of the registration (0 when unknown): who came first
 */
public record ServiceInstance(String id, String service, String node, String address, int port, List<String> tags,
        Map<String, String> meta, Health health, long createIndex) {

    public ServiceInstance {
        tags = tags == null ? List.of() : List.copyOf(tags);
        meta = meta == null ? Map.of() : Map.copyOf(meta);
    }

    /** An instance whose registration order is unknown. */
    public ServiceInstance(String id, String service, String node, String address, int port, List<String> tags,
            Map<String, String> meta, Health health) {
        this(id, service, node, address, port, tags, meta, health, 0);
    }

    public boolean passing() {
        return health == Health.PASSING;
    }

    /** Consul's check states, worst last. */
    public enum Health {
        PASSING, WARNING, CRITICAL, MAINTENANCE
    }
}
