package dev.quayside.devstack.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the compose run checks before it starts anything (the run itself: e2e ComposeE2ETest). */
class ComposeRunTest {

    static final Path ROOT = OnMarathonTest.ROOT;

    @Test
    void aTakenPortOfAPartStopsItBeforeAnythingStarts(@TempDir Path home) throws IOException {
        int port = ComposeRun.PORTS.consul();
        ServerSocket holder = null;
        try {
            try {
                holder = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
            } catch (IOException takenAlready) {
                // someone else holds it: the refusal is the same
            }
            assertThatThrownBy(() -> ComposeRun.start(new ComposeRun.Options(ROOT, home, "p", Duration.ofMinutes(1))))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("on 127.0.0.1 are taken")
                    .hasMessageContaining(String.valueOf(port)).hasMessageContaining("deploy/compose.local.yml");
            try (Stream<Path> files = Files.list(home)) {
                assertThat(files.toList()).as("nothing started, nothing written").isEmpty();
            }
        } finally {
            if (holder != null) {
                holder.close();
            }
        }
    }

    @Test
    void attachedPartsNeedFixedPortsAndTheStandInsIdAndNothingInBetween() {
        LocalStack.Options options = LocalStack.Options.of(LocalStack.RANDOM, Duration.ofSeconds(30), null);
        assertThatThrownBy(() -> options.attached(LocalStack.RANDOM, "compose"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need fixed ports");
        assertThatThrownBy(() -> options.attached(LocalStack.DEFAULT_PORTS, null))
                .hasMessageContaining("the stand-in's id");
        assertThatThrownBy(() -> options.withFaultProxies(true).attached(LocalStack.DEFAULT_PORTS, "compose"))
                .hasMessageContaining("proxies");
        assertThatThrownBy(() -> options.withExternalRegistry("127.0.0.1:5000").attached(LocalStack.DEFAULT_PORTS,
                "compose")).hasMessageContaining("external registry");
        LocalStack.Options attached = options.attached(LocalStack.DEFAULT_PORTS, "compose");
        assertThat(attached.attached()).isTrue();
        assertThat(attached.withHostNetwork().attached()).as("kept by the other with-methods").isTrue();
    }

    @Test
    void aServiceIsReadyWhenHealthyOrRunningWithoutACheckAndTheTopicsStepWhenItEndedWithZero() {
        assertThat(state("kafka", "running", "healthy", 0).ready()).isTrue();
        assertThat(state("kafka", "running", "starting", 0).ready()).isFalse();
        assertThat(state("kafka", "running", "starting", 0).failed()).isFalse();
        assertThat(state("kafka", "running", "unhealthy", 0).failed()).isTrue();
        assertThat(state("zookeeper", "running", "none", 0).ready()).isTrue();
        assertThat(state("board", "exited", "none", 1).failed()).isTrue();
        assertThat(state("kafka-topics", "running", "none", 0).ready()).as("still creating").isFalse();
        assertThat(state("kafka-topics", "exited", "none", 0).ready()).isTrue();
        assertThat(state("kafka-topics", "exited", "none", 2).failed()).isTrue();
    }

    private static ComposeRun.ServiceState state(String service, String status, String health, int exit) {
        return new ComposeRun.ServiceState(service, "id", status, health, exit);
    }
}
