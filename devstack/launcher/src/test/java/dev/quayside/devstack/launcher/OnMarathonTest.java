package dev.quayside.devstack.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code up --on-marathon} reads and checks before it starts anything (the run itself: e2e OnMarathonE2ETest). */
class OnMarathonTest {

    static final Path ROOT = Path.of(System.getProperty("quayside.root", "../..")).toAbsolutePath().normalize();

    @Test
    void topicsTxtIsReadAsCreateTopicsShReadsIt() {
        List<OnMarathon.TopicLine> lines = OnMarathon.topicLines(ROOT.resolve("helm-free-deploy/topics.txt"));
        assertThat(lines).hasSizeGreaterThan(10);
        assertThat(lines).contains(new OnMarathon.TopicLine("quayside.commit-pushed", 6,
                Map.of("retention.ms", "2592000000")));
        assertThat(lines).extracting(OnMarathon.TopicLine::topic).doesNotHaveDuplicates()
                .allSatisfy(topic -> assertThat(topic).startsWith("quayside."));
    }

    @Test
    void aBadLineOfTopicsTxtIsRefusedNamingIt(@TempDir Path dir) throws IOException {
        Path partitions = dir.resolve("partitions.txt");
        Files.writeString(partitions, "# topic partitions\nquayside.a 3\nquayside.b three\n");
        assertThatThrownBy(() -> OnMarathon.topicLines(partitions)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(partitions + ":3: bad line (expected <topic> <partitions> [key=value,...]): "
                        + "quayside.b three");
        Path config = dir.resolve("config.txt");
        Files.writeString(config, "quayside.a 3 retention.ms=1,cleanup.policy\n");
        assertThatThrownBy(() -> OnMarathon.topicLines(config)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(config + ":1: bad config 'cleanup.policy'");
    }

    @Test
    void aTakenServicePortStopsItBeforeAnythingStarts(@TempDir Path home) throws IOException {
        int port = LocalRun.SERVICES.get("git-watcher");
        ServerSocket holder = null;
        try {
            try {
                holder = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
            } catch (IOException takenAlready) {
                // someone else holds it: the refusal is the same
            }
            assertThatThrownBy(() -> OnMarathon.start(new OnMarathon.Options(ROOT, home, false,
                    Duration.ofMinutes(1)))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("on 127.0.0.1 are taken").hasMessageContaining(String.valueOf(port))
                    .hasMessageContaining("helm-free-deploy/marathon");
            try (Stream<Path> files = Files.list(home)) {
                assertThat(files.toList()).as("no part started, nothing written").isEmpty();
            }
        } finally {
            if (holder != null) {
                holder.close();
            }
        }
    }

    @Test
    void theImagesAreTaggedWithTheParentPomsVersion() throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        String version = OnMarathon.projectVersion(ROOT);
        assertThat(pom).contains("<artifactId>quayside-parent</artifactId>\n  <version>" + version + "</version>");
        assertThat(OnMarathon.appNames(ROOT)).containsExactlyInAnyOrderElementsOf(LocalRun.SERVICES.keySet());
    }
}
