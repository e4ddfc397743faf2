package dev.quayside.imagebuilder.support;

import dev.quayside.devstack.docker.DockerEngine;
import dev.quayside.devstack.docker.LocalRegistry;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Like {@code LocalRegistryResource} (a real {@code docker-registry} on 127.0.0.1 setting
 * {@code quayside.registry.address}), but the test can stop it and start it again on the same port and storage, to
 * play a registry outage.
 */
public class RestartableRegistryResource implements QuarkusTestResourceLifecycleManager {

    private static LocalRegistry registry;
    private static int port;
    private static Path storage;

    @Override
    public Map<String, String> start() {
        DockerEngine.requireRunning();
        try {
            storage = Files.createTempDirectory("quayside-image-builder-registry-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        registry = LocalRegistry.start(0, storage);
        port = registry.port();
        return Map.of("quayside.registry.address", registry.address());
    }

    @Override
    public void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    /** The running registry. */
    public static synchronized LocalRegistry registry() {
        if (registry == null) {
            throw new IllegalStateException("the registry test resource has not started");
        }
        return registry;
    }

    /** Stops the registry (an outage); {@link #restart()} brings it back with the same content. */
    public static synchronized void stopRegistry() {
        registry().close();
    }

    public static synchronized void restart() {
        registry = LocalRegistry.start(port, storage);
    }
}
