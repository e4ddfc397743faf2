package dev.quayside.imagebuilder.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quayside.imagebuilder.config.BuilderConfig;
import dev.quayside.imagebuilder.config.DockerConfig;
import dev.quayside.imagebuilder.config.RegistryConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An engine or registry that does not answer is retried with back-off, every attempt is logged, and the last error
 * is what the build reports. Uses a loopback port nobody listens on.
 */
class OutageTest {

    private final List<String> log = new CopyOnWriteArrayList<>();
    private int closedPort;
    private SmallRyeConfig config;

    @BeforeEach
    void setUp() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        config = new SmallRyeConfigBuilder()
                .withMapping(BuilderConfig.class).withMapping(DockerConfig.class).withMapping(RegistryConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withDefaultValues(Map.of(
                        "quayside.builder.retry.max-retries", "2",
                        "quayside.builder.retry.initial-delay", "50ms",
                        "quayside.docker.host", "tcp://127.0.0.1:" + closedPort,
                        "quayside.docker.connect-timeout", "1s",
                        "quayside.registry.address", "127.0.0.1:" + closedPort,
                        "quayside.registry.request-timeout", "1s"))
                .build();
    }

    private Backoff backoff() {
        return new Backoff(config.getConfigMapping(BuilderConfig.class));
    }

    private DockerCredentials credentials() {
        return new DockerCredentials(config.getConfigMapping(RegistryConfig.class));
    }

    @Test
    void anUnreachableRegistryIsRetriedThenReportedWithTheReason() {
        RegistryClient registry = new RegistryClient(config.getConfigMapping(RegistryConfig.class), credentials(),
                backoff(), new SimpleMeterRegistry());
        assertThat(registry.answers()).isFalse();
        assertThatThrownBy(() -> registry.digest("app", "abc", log::add))
                .isInstanceOf(InfrastructureException.class)
                .hasMessageStartingWith("registry 127.0.0.1:" + closedPort + " unreachable: ");
        assertThat(log).hasSize(3).allMatch(l -> l.startsWith("registry look-up of app:abc failed (attempt "));
    }

    @Test
    void anUnreachableEngineIsRetriedThenReportedWithTheReason() {
        DockerEngineClient docker = new DockerEngineClient(config.getConfigMapping(DockerConfig.class), backoff(),
                credentials(), new SimpleMeterRegistry());
        assertThat(docker.answers()).isFalse();
        assertThat(docker.host()).isEqualTo("tcp://127.0.0.1:" + closedPort);
        var request = new DockerEngineClient.BuildRequest(Path.of("."), Path.of("Dockerfile"), Set.of("x:1"), Map.of(),
                Map.of(), null);
        assertThatThrownBy(() -> docker.build(request, log::add, new Abort(), () -> { }))
                .isInstanceOf(InfrastructureException.class)
                .hasMessageStartingWith("Docker engine tcp://127.0.0.1:" + closedPort + " unreachable: ");
        assertThat(log).hasSize(3).allMatch(l -> l.startsWith("docker build failed (attempt "));
    }
}
