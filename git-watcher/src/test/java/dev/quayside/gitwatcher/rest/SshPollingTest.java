package dev.quayside.gitwatcher.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.quayside.events.CommitPushed;
import dev.quayside.events.CommitPushed.RefChange;
import dev.quayside.gitwatcher.support.CommitPushedTopic;
import dev.quayside.gitwatcher.support.Git;
import dev.quayside.gitwatcher.support.GitWatcherTest;
import dev.quayside.gitwatcher.support.WatchedReposResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Path;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Polling over SSH through JGit's Apache MINA sshd transport against a real SSH server: key authentication, the host
 * key checked against the configured known_hosts, ls-remote and the fetch of the pushed commits.
 */
@QuarkusTest
@GitWatcherTest
class SshPollingTest {

    private final CommitPushedTopic topic = CommitPushedTopic.shared();

    @Test
    void pollsARepositoryOverSshWithAKeyAndAKnownHost() {
        Path root = Path.of(ConfigProvider.getConfig().getValue(WatchedReposResource.ROOT_PROPERTY, String.class));
        // the first poll lists the (empty) repository over SSH and records it without events
        given().header("Authorization", "Bearer test-operator-token").post("/repositories/over-ssh/sync").then().statusCode(200)
                .body("cloneUrl", equalTo(ConfigProvider.getConfig()
                        .getValue(WatchedReposResource.SSH_URL_PROPERTY, String.class)))
                .body("lastPoll.ok", equalTo(true));

        Path work = Git.cloneWithFirstCommit(root.resolve("over-ssh.git"), root.resolve("over-ssh-work"));
        String first = Git.run(work, "rev-parse", "HEAD").trim();
        String second = Git.commitFile(work, "deploy.txt", "v2\n", "Deploy v2");
        Git.run(work, "push", "-q", "origin", "main");

        given().header("Authorization", "Bearer test-operator-token").post("/repositories/over-ssh/sync").then().statusCode(200)
                .body("lastPoll.ok", equalTo(true))
                .body("heads.'refs/heads/main'", equalTo(second));
        CommitPushed created = topic.await(e -> e.repository().equals("over-ssh") && e.after().equals(second))
                .get(0).event().data();
        assertThat(created.hostKind()).isEqualTo("poll");
        assertThat(created.change()).isEqualTo(RefChange.BRANCH_CREATED);
        // the commits came from a fetch over SSH: the payload of a poll has none
        assertThat(created.commits()).extracting(CommitPushed.Commit::id).containsExactly(first, second);
        assertThat(created.commits().get(1).added()).containsExactly("deploy.txt");
    }

    @Test
    void aServerWhoseHostKeyIsNotKnownIsRefusedAndNothingIsEmitted() {
        given().header("Authorization", "Bearer test-operator-token").post("/repositories/over-ssh-unknown-host/sync").then().statusCode(502)
                .body(containsString("over-ssh-unknown-host"))
                // in words a person can act on, not JGit's "Server key did not validate"
                .body(containsString("the SSH host key of [127.0.0.1]:"))
                .body(containsString("is not in known_hosts"))
                .body(containsString("refused (add the server's key to that file"));
        given().get("/repositories").then()
                .body("find { it.name == 'over-ssh-unknown-host' }.lastPoll.ok", equalTo(false));
        assertThat(topic.matching(e -> e.repository().equals("over-ssh-unknown-host"))).isEmpty();
    }
}
