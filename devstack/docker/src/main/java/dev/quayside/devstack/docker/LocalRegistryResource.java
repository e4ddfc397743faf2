package dev.quayside.devstack.docker;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Quarkus test resource: a real registry on 127.0.0.1 for the test class; sets {@code quayside.registry.address}.
 * It first requires a running Docker engine (tests that build or pull images need one); a test that only talks to
 * the registry's API (an image put there through it) turns that off with the init arg
 * {@code @ResourceArg(name = LocalRegistryResource.REQUIRE_DOCKER_ENGINE, value = "false")}.
 */
public class LocalRegistryResource implements QuarkusTestResourceLifecycleManager {

    /** Init arg: {@code "false"} starts the registry without requiring a Docker engine ({@code "true"} by default). */
    public static final String REQUIRE_DOCKER_ENGINE = "require-docker-engine";

    private LocalRegistry registry;
    private boolean requireDockerEngine = true;

    @Override
    public void init(Map<String, String> initArgs) {
        String value = initArgs.getOrDefault(REQUIRE_DOCKER_ENGINE, "true");
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(REQUIRE_DOCKER_ENGINE + " must be true or false, not '" + value + "'");
        }
        requireDockerEngine = Boolean.parseBoolean(value);
    }

    @Override
    public Map<String, String> start() {
        if (requireDockerEngine) {
            DockerEngine.requireRunning();
        }
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
