package dev.quayside.edgerouter.service;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What edge-router knows of the Consul catalog: every service with all its instances. */
public record CatalogSnapshot(Map<String, List<ServiceInstance>> services) {

    public static final CatalogSnapshot EMPTY = new CatalogSnapshot(Map.of());

    public CatalogSnapshot {
        TreeMap<String, List<ServiceInstance>> copy = new TreeMap<>();
        services.forEach((name, instances) -> copy.put(name, List.copyOf(instances)));
        services = java.util.Collections.unmodifiableMap(copy);
    }

    public int instanceCount() {
        return services.values().stream().mapToInt(List::size).sum();
    }
}
