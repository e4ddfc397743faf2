package dev.quayside.gitwatcher.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.quayside.gitwatcher.support.CommitPushedTopic;
import dev.quayside.gitwatcher.support.Git;
import dev.quayside.gitwatcher.support.GitWatcherTest;
import dev.quayside.gitwatcher.support.WatchedReposResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Polling is the backstop for lost webhooks: on by default, and cheap while nothing moves (one {@code ls-remote} per
 * poll, a fetch only when a head moved to a commit git-watcher does not have).
 */
@QuarkusTest
@GitWatcherTest
class PollingBackstopTest {

    private final CommitPushedTopic topic = CommitPushedTopic.shared();

    /** How many times {@code operation} ran against {@code repository}, from /q/metrics. */
    private static double gitOperations(String operation, String repository) {
        String prefix = "quayside_git_watcher_git_seconds_count{";
        for (String line : given().get("/q/metrics").then().statusCode(200).extract().asString().split("\n")) {
            if (line.startsWith(prefix) && line.contains("operation=\"" + operation + "\"")
                    && line.contains("repository=\"" + repository + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    @Test
    void aRepositoryWithoutItsOwnIntervalIsPolledByDefault() {
        given().get("/repositories").then().statusCode(200)
                .body("find { it.name == 'hooked' }.pollInterval", equalTo(Duration.ofMinutes(1).toString()))
                .body("find { it.name == 'polled' }.pollInterval", equalTo(Duration.ofSeconds(2).toString()));
    }

    @Test
    void anIdleRepositoryCostsOneLsRemotePerPollAndNoFetch() throws Exception {
        Path root = Path.of(ConfigProvider.getConfig().getValue(WatchedReposResource.ROOT_PROPERTY, String.class));
        Path work = root.resolve("backstop-work");
        Git.run(root, "clone", "-q", root.resolve("polled.git").toString(), work.toString());
        Git.run(work, "checkout", "-q", "-B", "backstop");
        String commit = Git.commitFile(work, "backstop.txt", "x\n", "Backstop");
        double fetchesBefore = gitOperations("fetch", "polled");
        Git.run(work, "push", "-q", "origin", "backstop");
        topic.await(e -> e.repository().equals("polled") && e.after().equals(commit));
        assertThat(gitOperations("fetch", "polled")).as("the new commit was fetched once")
                .isEqualTo(fetchesBefore + 1);

        // idle now: polls every 2 s list the remote and fetch nothing
        double lsRemotes = gitOperations("ls-remote", "polled");
        double fetches = gitOperations("fetch", "polled");
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> gitOperations("ls-remote", "polled") >= lsRemotes + 3);
        assertThat(gitOperations("fetch", "polled")).isEqualTo(fetches);
        given().get("/repositories").then()
                .body("find { it.name == 'polled' }.heads.'refs/heads/backstop'", equalTo(commit))
                .body("find { it.name == 'polled' }.lastPoll.outcomes.size()", equalTo(0));
    }
}
