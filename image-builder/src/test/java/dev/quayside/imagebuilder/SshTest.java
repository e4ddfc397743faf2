package dev.quayside.imagebuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.docker.DockerEngine;
import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildOutcome;
import dev.quayside.events.ImageBuilt;
import dev.quayside.imagebuilder.support.Commits;
import dev.quayside.imagebuilder.support.KafkaProbedTest;
import dev.quayside.imagebuilder.support.RestartableRegistryResource;
import dev.quayside.imagebuilder.support.SshGitServerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fetching over SSH through JGit's Apache MINA sshd transport from a real SSH server (issue #26): the key and
 * known_hosts come from configuration files; a server whose host key is not known is refused; the password in the
 * configured URL never reaches a log line, a label or an event.
 */
@QuarkusTest
@TestProfile(SshTest.ShortRetries.class)
@QuarkusTestResource(value = RestartableRegistryResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = SshGitServerResource.class, restrictToAnnotatedClass = true)
class SshTest extends KafkaProbedTest {

    private static final Duration BUILD = Duration.ofSeconds(120);

    /** A refused host is not worth long retries here. */
    public static class ShortRetries implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quayside.builder.retry.max-retries", "1", "quayside.builder.retry.initial-delay", "100ms");
        }
    }

    private static Path dir;

    @BeforeAll
    static void start() {
        DockerEngine.requireRunning();
        dir = Path.of(ConfigProvider.getConfig().getValue("image-builder.test.ssh.dir", String.class));
    }

    @Test
    void aRepositoryIsFetchedOverSshWithTheConfiguredKeyAndItsUrlsPasswordGoesNowhere() {
        Config config = ConfigProvider.getConfig();
        Commits repo = Commits.named(dir, config.getValue("image-builder.test.ssh.repository", String.class), "1.0.0");
        String commit = repo.commitVersion("1.1.0");
        kafka.send(repo.pushed(commit, "app", "refs/heads/main", "file:///not/this/one"));

        BuildFinished finished = awaitFinished(repo, commit);
        assertThat(finished.outcome()).as(finished.reason() + "\n" + String.join("\n", finished.logTail()))
                .isEqualTo(BuildOutcome.SUCCESS);
        ImageBuilt built = kafka.imagesBuilt(repo.name(), commit).get(0).data();
        String url = config.getValue("image-builder.test.ssh.url", String.class);
        assertThat(built.labels()).as("the URL without its user information").containsEntry(
                "org.opencontainers.image.source", url.replace("ssh://git@", "ssh://"));
        await().atMost(Duration.ofSeconds(30)).until(() -> kafka.logLines(finished.buildId()).stream()
                .anyMatch(l -> l.startsWith("pushed ")));
        assertThat(kafka.logLines(finished.buildId())).anyMatch(l -> l.startsWith("fetched " + commit + " from ssh://"));
        assertThat(kafka.received()).as("no record on any topic holds the URL's password")
                .noneMatch(r -> r.text().contains(SshGitServerResource.PASSWORD));
    }

    @Test
    void aServerWhoseHostKeyIsNotKnownIsRefused() {
        Config config = ConfigProvider.getConfig();
        Commits repo = Commits.named(dir, config.getValue("image-builder.test.ssh.unknown-host-repository",
                String.class), "1.0.0");
        kafka.send(repo.pushed(repo.head()));

        BuildFinished finished = awaitFinished(repo, repo.head());
        assertThat(finished.outcome()).isEqualTo(BuildOutcome.FAILURE);
        assertThat(finished.reason()).startsWith("Git remote ssh://127.0.0.1:").contains(repo.name() + ".git failed: ")
                // in words a person can act on, not JGit's "Server key did not validate"
                .contains("the SSH host key of [127.0.0.1]:", "is not in known_hosts", "refused (add the server's key");
        assertThat(kafka.started(finished.buildId())).isEmpty();
        assertThat(kafka.imagesBuilt(repo.name(), repo.head())).isEmpty();
    }

    private static BuildFinished awaitFinished(Commits repo, String commit) {
        await().atMost(BUILD).pollInterval(Duration.ofMillis(100))
                .until(() -> !kafka.finished(repo.name(), commit).isEmpty());
        return kafka.finished(repo.name(), commit).get(0);
    }
}
