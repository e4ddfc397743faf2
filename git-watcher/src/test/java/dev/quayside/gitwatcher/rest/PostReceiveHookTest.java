package dev.quayside.gitwatcher.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.events.CommitPushed;
import dev.quayside.events.CommitPushed.RefChange;
import dev.quayside.gitwatcher.support.CommitPushedTopic;
import dev.quayside.gitwatcher.support.Git;
import dev.quayside.gitwatcher.support.GitWatcherTest;
import dev.quayside.gitwatcher.support.WatchedReposResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * A real bare repository with the shipped {@code scripts/post-receive}, pushed to with the git CLI: every push becomes
 * one event on the real broker, with the commits git-watcher fetched itself.
 */
@QuarkusTest
@GitWatcherTest
class PostReceiveHookTest {

    private final CommitPushedTopic topic = CommitPushedTopic.shared();

    private static Path installHook(Path bare, String secret) throws IOException {
        Path hook = bare.resolve("hooks/post-receive");
        Files.copy(Path.of("scripts/post-receive"), hook, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        Git.run(bare, "config", "quayside.url", "http://127.0.0.1:" + RestAssured.port + "/webhooks/generic");
        Git.run(bare, "config", "quayside.secret", secret);
        return hook;
    }

    private CommitPushed single(String ref, String after) {
        List<CommitPushedTopic.Received> found = topic.await(e -> e.repository().equals("hooked")
                && e.ref().equals(ref) && e.after().equals(after));
        assertThat(found).hasSize(1);
        return found.get(0).event().data();
    }

    @Test
    void pushesThroughTheShippedHookBecomeEvents() throws Exception {
        Path root = Path.of(ConfigProvider.getConfig().getValue(WatchedReposResource.ROOT_PROPERTY, String.class));
        Path bare = root.resolve("hooked.git");
        Path hook = installHook(bare, WatchedReposResource.HOOK_SECRET);

        Path work = Git.cloneWithFirstCommit(bare, root.resolve("hooked-work"));
        String first = Git.run(work, "rev-parse", "HEAD").trim();
        CommitPushed created = single("refs/heads/main", first);
        assertThat(created.change()).isEqualTo(RefChange.BRANCH_CREATED);
        assertThat(created.hostKind()).isEqualTo("generic");
        assertThat(created.cloneUrl()).isEqualTo(bare.toUri().toString());
        assertThat(created.commits()).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo(first);
            assertThat(c.message()).isEqualTo("First commit\n");
            assertThat(c.author().email()).isEqualTo("ada@example.com");
            assertThat(c.added()).containsExactly("README.md");
        });

        Git.commitFile(work, "src/app.sh", "echo hi\n", "Add the app");
        String second = Git.commitFile(work, "README.md", "second\n", "Explain the app");
        String push = Git.run(work, "push", "origin", "main");
        assertThat(push).doesNotContain("quayside:");
        CommitPushed updated = single("refs/heads/main", second);
        assertThat(updated.change()).isEqualTo(RefChange.BRANCH_UPDATED);
        assertThat(updated.before()).isEqualTo(first);
        assertThat(updated.commits()).extracting(CommitPushed.Commit::message)
                .containsExactly("Add the app\n", "Explain the app\n");
        assertThat(updated.commits().get(0).added()).containsExactly("src/app.sh");
        assertThat(updated.commits().get(1).modified()).containsExactly("README.md");

        Git.run(work, "tag", "v1.0.0");
        Git.run(work, "push", "-q", "origin", "v1.0.0");
        assertThat(single("refs/tags/v1.0.0", second).change()).isEqualTo(RefChange.TAG_PUSHED);

        Git.run(work, "checkout", "-q", "-b", "feature/x");
        String feature = Git.commitFile(work, "feature.txt", "x\n", "Feature");
        Git.run(work, "push", "-q", "origin", "feature/x");
        CommitPushed branch = single("refs/heads/feature/x", feature);
        assertThat(branch.change()).isEqualTo(RefChange.BRANCH_CREATED);
        assertThat(branch.commits()).extracting(CommitPushed.Commit::id).containsExactly(feature);
        Git.run(work, "push", "-q", "origin", "--delete", "feature/x");
        CommitPushed deleted = single("refs/heads/feature/x", CommitPushed.ZERO_SHA);
        assertThat(deleted.change()).isEqualTo(RefChange.BRANCH_DELETED);
        assertThat(deleted.before()).isEqualTo(feature);
        assertThat(deleted.commits()).isEmpty();

        // the hook run again for the same update (a new delivery id): nothing new
        Process again = new ProcessBuilder(hook.toString()).directory(bare.toFile()).redirectErrorStream(true).start();
        again.getOutputStream().write((first + " " + second + " refs/heads/main\n").getBytes());
        again.getOutputStream().close();
        assertThat(again.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(again.getInputStream().readAllBytes())).doesNotContain("quayside:");
        Thread.sleep(500);
        assertThat(topic.matching(e -> e.repository().equals("hooked") && e.after().equals(second)
                && e.ref().equals("refs/heads/main"))).hasSize(1);
    }

    @Test
    void theHookReportsARefusalToThePusherWithoutFailingThePush() throws IOException, InterruptedException {
        Path root = Path.of(ConfigProvider.getConfig().getValue(WatchedReposResource.ROOT_PROPERTY, String.class));
        Path bare = Git.bare(root, "wrong-secret");
        installHook(bare, "not-the-secret");
        Git.run(bare, "config", "quayside.repository", "hooked");
        Path work = root.resolve("wrong-secret-work");
        Git.run(root, "clone", "-q", bare.toString(), work.toString());
        Git.run(work, "checkout", "-q", "-b", "main");
        String commit = Git.commitFile(work, "a.txt", "a\n", "A");
        String output = Git.run(work, "push", "origin", "main");
        assertThat(output).contains("quayside: git-watcher refused refs/heads/main with HTTP 401");
        Thread.sleep(300);
        assertThat(topic.matching(e -> e.after().equals(commit))).isEmpty();
    }
}
