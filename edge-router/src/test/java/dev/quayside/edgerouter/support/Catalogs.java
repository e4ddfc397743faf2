package dev.quayside.edgerouter.support;

import dev.quayside.edgerouter.service.CatalogSnapshot;
import dev.quayside.edgerouter.service.ServiceInstance;
import dev.quayside.edgerouter.service.ServiceInstance.Health;
import io.quarkus.qute.Engine;
import io.quarkus.qute.ReflectionValueResolver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds catalog snapshots for tests that feed the render step directly. */
public final class Catalogs {

    private final Map<String, List<ServiceInstance>> services = new LinkedHashMap<>();

    public static Catalogs catalog() {
        return new Catalogs();
    }

    /** Adds a passing instance on 127.0.0.1 with {@code Meta} entries given as key, value, key, value... */
    public Catalogs instance(String service, String id, int port, String... meta) {
        return instance(service, id, port, Health.PASSING, meta);
    }

    public Catalogs instance(String service, String id, int port, Health health, String... meta) {
        Map<String, String> metaMap = new LinkedHashMap<>();
        for (int i = 0; i + 1 < meta.length; i += 2) {
            metaMap.put(meta[i], meta[i + 1]);
        }
        services.computeIfAbsent(service, s -> new ArrayList<>())
                .add(new ServiceInstance(id, service, "node1", "127.0.0.1", port, List.of(), metaMap, health));
        return this;
    }

    public CatalogSnapshot build() {
        return new CatalogSnapshot(services);
    }

    /** A Qute engine like Quarkus' for plain tests (reflection instead of generated resolvers). */
    public static Engine engine() {
        return Engine.builder().addDefaults().addValueResolver(new ReflectionValueResolver()).build();
    }
}
