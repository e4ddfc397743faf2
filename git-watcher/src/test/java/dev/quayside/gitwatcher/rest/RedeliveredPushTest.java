package dev.quayside.gitwatcher.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.quayside.events.CommitPushed;
import dev.quayside.events.CommitPushed.RefChange;
import dev.quayside.gitwatcher.service.webhook.Signatures;
import dev.quayside.gitwatcher.support.CommitPushedTopic;
import dev.quayside.gitwatcher.support.Git;
import dev.quayside.gitwatcher.support.GitWatcherTest;
import dev.quayside.gitwatcher.support.WatchedReposResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.nio.file.Path;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * A late report of an older push (the hook's retry after git-watcher was down, while a poll already announced a newer
 * head) adds no second chain for commits already announced; newer heads and force pushes are still announced. Real
 * bare repository, real pushes, the real broker (issue #21, found by {@code chaos kill-git-watcher}).
 */
@QuarkusTest
@GitWatcherTest
class RedeliveredPushTest {

    private static final String REPO = "redelivered";

    private final CommitPushedTopic topic = CommitPushedTopic.shared();

    /** A generic webhook of {@code before → after} on main, with a fresh delivery id (as a retry after a 503 has). */
    private static ValidatableResponse webhook(String before, String after) {
        byte[] body = ("{\"repository\":\"" + REPO + "\",\"ref\":\"refs/heads/main\",\"before\":\"" + before
                + "\",\"after\":\"" + after + "\",\"pusher\":{\"name\":\"ada\"}}").getBytes();
        return given().contentType("application/json").header("X-Quayside-Event", "push")
                .header("X-Quayside-Delivery", UUID.randomUUID().toString())
                .header("X-Quayside-Signature-256", "sha256=" + Signatures.hmacSha256Hex(
                        WatchedReposResource.POLL_SECRET, body))
                .body(body).post("/webhooks/generic").then();
    }

    private static ValidatableResponse sync() {
        return given().header("Authorization", "Bearer test-operator-token").post("/repositories/" + REPO + "/sync")
                .then().statusCode(200);
    }

    private CommitPushed announced(String after) {
        return topic.await(e -> e.repository().equals(REPO) && e.after().equals(after)).get(0).event().data();
    }

    @Test
    void aRetriedWebhookOfAnAncestorOfTheAnnouncedHeadIsADuplicateWhileNewAndForcedHeadsAreAnnounced() {
        Path root = Path.of(ConfigProvider.getConfig().getValue(WatchedReposResource.ROOT_PROPERTY, String.class));
        Path work = Git.cloneWithFirstCommit(root.resolve(REPO + ".git"), root.resolve(REPO + "-work"));
        String a = Git.run(work, "rev-parse", "HEAD").trim();
        sync().body("heads.'refs/heads/main'", equalTo(a)); // the first poll: a baseline, no event

        // two pushes while git-watcher was down (their webhooks refused), then the poll after the restart
        String b = Git.commitFile(work, "b.txt", "b\n", "B");
        Git.run(work, "push", "-q", "origin", "main");
        String c = Git.commitFile(work, "c.txt", "c\n", "C");
        Git.run(work, "push", "-q", "origin", "main");
        sync().body("heads.'refs/heads/main'", equalTo(c));
        CommitPushed polled = announced(c);
        assertThat(polled.hostKind()).isEqualTo("poll");
        assertThat(polled.before()).isEqualTo(a);
        assertThat(polled.commits()).extracting(CommitPushed.Commit::id).containsExactly(b, c);

        // the retried webhook of the push a → b: its commit is already in the announced push to c
        webhook(a, b).statusCode(200).body("status", equalTo("duplicate"))
                .body("refs[0].status", equalTo("DUPLICATE"))
                .body("refs[0].reason", containsString(c.substring(0, 12)));
        // and the retried webhook of the push b → c: the announced head itself
        webhook(b, c).statusCode(200).body("status", equalTo("duplicate"))
                .body("refs[0].status", equalTo("DUPLICATE"));
        sync().body("heads.'refs/heads/main'", equalTo(c)).body("lastPoll.outcomes.size()", equalTo(0));

        // a new commit: announced
        String d = Git.commitFile(work, "d.txt", "d\n", "D");
        Git.run(work, "push", "-q", "origin", "main");
        webhook(c, d).statusCode(200).body("status", equalTo("accepted")).body("refs[0].status", equalTo("EMITTED"));
        CommitPushed newer = announced(d);
        assertThat(newer.before()).isEqualTo(c);
        assertThat(newer.commits()).extracting(CommitPushed.Commit::id).containsExactly(d);

        // a force push to e, which does not descend from d (history rewritten): announced
        Git.run(work, "reset", "-q", "--hard", a);
        String e = Git.commitFile(work, "e.txt", "e\n", "E");
        Git.run(work, "push", "-q", "-f", "origin", "main");
        webhook(d, e).statusCode(200).body("status", equalTo("accepted")).body("refs[0].status", equalTo("EMITTED"));
        CommitPushed forced = announced(e);
        assertThat(forced.before()).isEqualTo(d);
        assertThat(forced.change()).isEqualTo(RefChange.BRANCH_UPDATED);

        // the events of one repository share a partition: b's would have been read before e's
        assertThat(topic.matching(ev -> ev.repository().equals(REPO) && ev.after().equals(b))).isEmpty();
        assertThat(topic.matching(ev -> ev.repository().equals(REPO) && ev.after().equals(c))).hasSize(1);
        assertThat(topic.matching(ev -> ev.repository().equals(REPO))).extracting(r -> r.event().data().after())
                .containsExactly(c, d, e);
    }
}
