package dev.quayside.gitwatcher.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.quayside.events.CommitPushed.RefChange;
import dev.quayside.events.CommitPushed;
import dev.quayside.gitwatcher.support.CommitPushedTopic;
import dev.quayside.gitwatcher.support.Git;
import dev.quayside.gitwatcher.support.GitWatcherTest;
import dev.quayside.gitwatcher.support.WatchedReposResource;
import dev.quayside.kit.security.Hmac;
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
    /** Its own repository, so that its announced ranges start empty. */
    private static final String OUT_OF_ORDER = "out-of-order";

    private final CommitPushedTopic topic = CommitPushedTopic.shared();

    private static ValidatableResponse webhook(String before, String after) {
        return webhook(REPO, before, after);
    }

    /** A generic webhook of {@code before → after} on main, with a fresh delivery id (as a retry after a 503 has). */
    private static ValidatableResponse webhook(String repo, String before, String after) {
        byte[] body = ("{\"repository\":\"" + repo + "\",\"ref\":\"refs/heads/main\",\"before\":\"" + before
                + "\",\"after\":\"" + after + "\",\"pusher\":{\"name\":\"ada\"}}").getBytes();
        return given().contentType("application/json").header("X-Quayside-Event", "push")
                .header("X-Quayside-Delivery", UUID.randomUUID().toString())
                .header("X-Quayside-Signature-256", Hmac.sha256Header(
                        WatchedReposResource.POLL_SECRET, body))
                .body(body).post("/webhooks/generic").then();
    }

    private static ValidatableResponse sync() {
        return sync(REPO);
    }

    private static ValidatableResponse sync(String repo) {
        return given().header("Authorization", "Bearer test-operator-token").post("/repositories/" + repo + "/sync")
                .then().statusCode(200);
    }

    private CommitPushed announced(String after) {
        return announced(REPO, after);
    }

    private CommitPushed announced(String repo, String after) {
        return topic.await(e -> e.repository().equals(repo) && e.after().equals(after)).get(0).event().data();
    }

    /** Commits a file named after the commit (not pushed yet). */
    private static String commit(Path work, String name) {
        return Git.commitFile(work, name + ".txt", name + "\n", name);
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

    /**
     * The hook's retried webhooks of one branch arrive out of order after a restart: a late report whose head is the
     * {@code before} of an announced push is announced (no announced push contains it), and only a head inside an
     * announced push's range is a duplicate ({@code chaos kill-git-watcher} at {@code a12291f}: 3 commits never
     * announced).
     */
    @Test
    void aLateWebhookWhoseHeadIsTheBeforeOfAnAnnouncedPushIsAnnouncedAndOnlyHeadsInsideAnnouncedRangesAreDuplicates() {
        String repo = OUT_OF_ORDER;
        Path root = Path.of(ConfigProvider.getConfig().getValue(WatchedReposResource.ROOT_PROPERTY, String.class));
        Path work = Git.cloneWithFirstCommit(root.resolve(repo + ".git"), root.resolve(repo + "-work"));
        String a = Git.run(work, "rev-parse", "HEAD").trim();
        sync(repo).body("heads.'refs/heads/main'", equalTo(a)); // the first poll: a baseline, no event

        // two pushes, A → B2 (commits B1, B2) and B2 → C2 (commits C1, C2), while git-watcher was down
        String b1 = commit(work, "B1");
        String b2 = commit(work, "B2");
        Git.run(work, "push", "-q", "origin", "main");
        String c1 = commit(work, "C1");
        String c2 = commit(work, "C2");
        Git.run(work, "push", "-q", "origin", "main");

        // the hook's retries arrive out of order: B2 → C2 first, announced
        emitted(repo, b2, c2);
        CommitPushed newer = announced(repo, c2);
        assertThat(newer.before()).isEqualTo(b2);
        assertThat(newer.commits()).extracting(CommitPushed.Commit::id).containsExactly(c1, c2);

        // then the older A → B2: B2 is only the before of the announced push, no announced push contains it
        emitted(repo, a, b2);
        CommitPushed older = announced(repo, b2);
        assertThat(older.before()).isEqualTo(a);
        assertThat(older.commits()).extracting(CommitPushed.Commit::id).containsExactly(b1, b2);

        // (A, C2] is announced now: a report of a head inside it is a duplicate, whichever push announced it
        duplicate(repo, a, b2);
        duplicate(repo, a, b1).body("refs[0].reason", containsString(c2.substring(0, 12)));
        duplicate(repo, b1, c1).body("refs[0].reason", containsString(a.substring(0, 12)));
        // the ref's head stays the newest announced one: a poll finds nothing new
        sync(repo).body("heads.'refs/heads/main'", equalTo(c2)).body("lastPoll.outcomes.size()", equalTo(0));

        // a new commit: announced
        String d = commit(work, "D");
        Git.run(work, "push", "-q", "origin", "main");
        emitted(repo, c2, d);
        assertThat(announced(repo, d).commits()).extracting(CommitPushed.Commit::id).containsExactly(d);

        // a force push to E, which does not descend from D: announced
        Git.run(work, "reset", "-q", "--hard", c1);
        String e = commit(work, "E");
        Git.run(work, "push", "-q", "-f", "origin", "main");
        emitted(repo, d, e);
        assertThat(announced(repo, e).before()).isEqualTo(d);

        assertThat(topic.matching(ev -> ev.repository().equals(repo))).extracting(r -> r.event().data().after())
                .containsExactly(c2, b2, d, e);
    }

    private static ValidatableResponse emitted(String repo, String before, String after) {
        return webhook(repo, before, after).statusCode(200).body("status", equalTo("accepted"))
                .body("refs[0].status", equalTo("EMITTED"));
    }

    private static ValidatableResponse duplicate(String repo, String before, String after) {
        return webhook(repo, before, after).statusCode(200).body("status", equalTo("duplicate"))
                .body("refs[0].status", equalTo("DUPLICATE"));
    }
}
