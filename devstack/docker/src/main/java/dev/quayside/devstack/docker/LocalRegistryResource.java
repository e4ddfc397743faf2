package dev.quayside.devstack.docker;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Quarkus test resource: a real registry on 127.0.0.1 for the test class; sets {@code quayside.registry.address}. */
public class LocalRegistryResource implements QuarkusTestResourceLifecycleManager {

    private LocalRegistry registry;

    @Override
    public Map<String, String> start() {
        DockerEngine.requireRunning();
        registry = LocalRegistry.start(0, null);
        return Map.of("quayside.registry.address", registry.address());
    }

    @Override
    public void stop() {
        if (registry != null) {
            registry.close();
        }
    }
}
