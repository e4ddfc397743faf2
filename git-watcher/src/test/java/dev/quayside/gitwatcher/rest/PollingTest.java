package dev.quayside.gitwatcher.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.quayside.events.CommitPushed.RefChange;
import dev.quayside.events.CommitPushed;
import dev.quayside.gitwatcher.support.CommitPushedTopic;
import dev.quayside.gitwatcher.support.Git;
import dev.quayside.gitwatcher.support.GitWatcherTest;
import dev.quayside.gitwatcher.support.WatchedReposResource;
import dev.quayside.kit.security.Hmac;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** Polling a real bare repository (every 2 s, through JGit), and one event when a webhook and a poll see a push. */
@QuarkusTest
@GitWatcherTest
class PollingTest {

    private final CommitPushedTopic topic = CommitPushedTopic.shared();

    @Test
    void pollsNoticePushesAndAWebhookForTheSamePushAddsNothing() throws Exception {
        Path root = Path.of(ConfigProvider.getConfig().getValue(WatchedReposResource.ROOT_PROPERTY, String.class));
        Path bare = root.resolve("polled.git");
        // the first poll records the (empty) repository without events
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/repositories").then()
                .body("find { it.name == 'polled' }.lastPoll.ok", equalTo(true)));

        Path work = Git.cloneWithFirstCommit(bare, root.resolve("polled-work"));
        String first = Git.run(work, "rev-parse", "HEAD").trim();
        CommitPushed created = topic.await(e -> e.repository().equals("polled") && e.after().equals(first)).get(0)
                .event().data();
        assertThat(created.hostKind()).isEqualTo("poll");
        assertThat(created.change()).isEqualTo(RefChange.BRANCH_CREATED);
        assertThat(created.commits()).extracting(CommitPushed.Commit::id).containsExactly(first);
        assertThat(created.commits().get(0).added()).containsExactly("README.md");

        // a push, then at once its webhook (generic, as the hook would send) and a forced poll: one event
        String second = Git.commitFile(work, "b.txt", "b\n", "Second");
        Git.run(work, "push", "-q", "origin", "main");
        byte[] body = ("{\"repository\":\"polled\",\"ref\":\"refs/heads/main\",\"before\":\"" + first
                + "\",\"after\":\"" + second + "\",\"pusher\":{\"name\":\"ada\"}}").getBytes();
        given().contentType("application/json").header("X-Quayside-Event", "push")
                .header("X-Quayside-Delivery", UUID.randomUUID().toString())
                .header("X-Quayside-Signature-256", Hmac.sha256Header(
                        WatchedReposResource.POLL_SECRET, body))
                .body(body).post("/webhooks/generic").then().statusCode(200);
        given().header("Authorization", "Bearer test-operator-token").post("/repositories/polled/sync").then().statusCode(200)
                .body("heads.'refs/heads/main'", equalTo(second))
                .body("lastPoll", notNullValue());
        CommitPushed updated = topic.await(e -> e.repository().equals("polled") && e.after().equals(second)).get(0)
                .event().data();
        assertThat(updated.before()).isEqualTo(first);
        assertThat(updated.commits()).extracting(CommitPushed.Commit::message).containsExactly("Second\n");
        Thread.sleep(4500); // two more scheduled polls
        assertThat(topic.matching(e -> e.repository().equals("polled") && e.after().equals(second))).hasSize(1);

        // a deleted branch is noticed by polling too
        Git.run(work, "push", "-q", "origin", "main:refs/heads/short-lived");
        topic.await(e -> e.repository().equals("polled") && e.ref().equals("refs/heads/short-lived"));
        Git.run(work, "push", "-q", "origin", "--delete", "short-lived");
        assertThat(topic.await(e -> e.repository().equals("polled") && e.ref().equals("refs/heads/short-lived")
                && e.change() == RefChange.BRANCH_DELETED)).singleElement()
                .satisfies(r -> assertThat(r.event().data().before()).isEqualTo(second));
        // the heads shown are those the delivery log has read back, which may follow the event by a moment
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/repositories").then()
                .body("find { it.name == 'polled' }.heads.'refs/heads/main'", equalTo(second))
                .body("find { it.name == 'polled' }.heads.'refs/heads/short-lived'", equalTo(null)));
    }
}
