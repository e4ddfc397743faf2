package dev.quayside.gitwatcher.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.events.CommitPushed;
import dev.quayside.gitwatcher.support.CommitPushedTopic;
import dev.quayside.gitwatcher.support.Git;
import dev.quayside.gitwatcher.support.GitWatcherTest;
import dev.quayside.gitwatcher.support.OwnBrokerProfile;
import dev.quayside.gitwatcher.support.WatchedReposResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * A Kafka outage, on a broker of git-watcher's own that the test stops and starts again: readiness is down while the
 * broker is, and a push made during the outage through the shipped hook still becomes its event once Kafka is back
 * (the hook keeps retrying for minutes, in the background, without holding the push).
 */
@QuarkusTest
@GitWatcherTest
@TestProfile(OwnBrokerProfile.class)
class KafkaOutageTest {

    private static int readiness() {
        return given().get("/q/health/ready").then().extract().statusCode();
    }

    @Test
    void readinessIsDownWhileKafkaIsDownAndAPushMadeMeanwhileIsNotLost() throws Exception {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> readiness() == 200);
        Path root = Path.of(ConfigProvider.getConfig().getValue(WatchedReposResource.ROOT_PROPERTY, String.class));
        Path bare = root.resolve("hooked.git");
        Path hook = bare.resolve("hooks/post-receive");
        Files.copy(Path.of("scripts/post-receive"), hook, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        Git.run(bare, "config", "quayside.url", "http://127.0.0.1:" + RestAssured.port + "/webhooks/generic");
        Git.run(bare, "config", "quayside.secret", WatchedReposResource.HOOK_SECRET);
        Path work = root.resolve("outage-work");
        Git.run(root, "clone", "-q", bare.toString(), work.toString());
        Git.run(work, "checkout", "-q", "-B", "outage");
        String commit = Git.commitFile(work, "outage.txt", "pushed while Kafka was away\n", "During the outage");

        OwnBrokerProfile.stop();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> readiness() == 503);
            String push = Git.run(work, "push", "origin", "outage");
            assertThat(push).contains("quayside:").contains("retrying");
            Thread.sleep(20_000); // longer than the old hook's five tries (2 + 3 + 4 + 5 s of waiting)
            assertThat(readiness()).isEqualTo(503);
        } finally {
            OwnBrokerProfile.start();
        }
        Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> readiness() == 200);
        CommitPushedTopic topic = new CommitPushedTopic(ConfigProvider.getConfig()
                .getValue("kafka.bootstrap.servers", String.class));
        try {
            List<CommitPushedTopic.Received> events = Awaitility.await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> topic.matching(e -> e.after().equals(commit)), found -> !found.isEmpty());
            CommitPushed event = events.get(0).event().data();
            assertThat(event.repository()).isEqualTo("hooked");
            assertThat(event.ref()).isEqualTo("refs/heads/outage");
            assertThat(event.hostKind()).isEqualTo("generic");
        } finally {
            topic.close();
        }
    }
}
