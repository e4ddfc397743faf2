package dev.quayside.devstack.marathon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quayside.devstack.mesos.Http;
import java.io.UncheckedIOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Quarkus test resource's contract, and the error when there is no Docker engine. */
class MarathonStandInResourceTest {

    @Test
    void startsAndStopsAStandInAndGivesBothUrls() {
        MarathonStandInResource resource = new MarathonStandInResource();
        resource.init(Map.of("deploymentTimeoutSeconds", "5"));
        Map<String, String> config = resource.start();
        try {
            assertThat(config).containsOnlyKeys("quayside.marathon.url", "quayside.chronos.url");
            assertThat(config.get("quayside.marathon.url")).startsWith("http://127.0.0.1:");
            assertThat(Http.get(config.get("quayside.marathon.url") + "/ping").body()).isEqualTo("pong");
            assertThat(Http.get(config.get("quayside.chronos.url") + "/v1/scheduler/jobs").body()).isEqualTo("[]");
        } finally {
            resource.stop();
        }
        assertThatThrownBy(() -> Http.get(config.get("quayside.marathon.url") + "/ping"))
                .isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void withoutADockerEngineStartFailsWithAClearMessage() {
        assertThatThrownBy(() -> MarathonStandIn.start(MarathonStandIn.options()
                .dockerHost("unix:///nonexistent/docker.sock")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("No Docker engine answers at unix:///nonexistent/docker.sock")
                .hasMessageContaining("start dockerd, or set DOCKER_HOST");
    }
}
