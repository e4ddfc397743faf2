package dev.quayside.notifier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quayside.notifier.config.GitHost;
import dev.quayside.notifier.service.CommitStatus;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The parts of each host's request that come from events are encoded: no event reaches another API path. */
class CommitStatusRequestsTest {

    static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    static CommitStatus status(String repository, String sha) {
        return new CommitStatus(repository, sha, "quayside/build", CommitStatus.State.PENDING, "Build queued", null);
    }

    @Test
    void aGitLabProjectInSubgroupsIsOneEncodedId() {
        URI uri = CommitStatusRequests.of(GitHost.GITLAB, URI.create("https://gitlab.example.com/"), "t",
                Optional.empty(), status("group/sub group/app", SHA)).uri();
        assertThat(uri.getRawPath()).isEqualTo("/api/v4/projects/group%2Fsub%20group%2Fapp/statuses/" + SHA);
    }

    @Test
    void aGitHubEnterpriseBaseKeepsItsPath() {
        URI uri = CommitStatusRequests.of(GitHost.GITHUB, URI.create("https://ghe.example.com/api/v3"), "t",
                Optional.empty(), status("team/app", SHA)).uri();
        assertThat(uri.toString()).isEqualTo("https://ghe.example.com/api/v3/repos/team/app/statuses/" + SHA);
    }

    @Test
    void aCommitOrRepositoryCannotLeaveItsPathSegment() {
        URI uri = CommitStatusRequests.of(GitHost.GITEA, URI.create("https://gitea.example.com"), "t",
                Optional.empty(), status("team/app", "../../admin?x=1")).uri();
        assertThat(uri.getRawPath()).isEqualTo("/api/v1/repos/team/app/statuses/..%2F..%2Fadmin%3Fx%3D1");
        assertThat(uri.getRawQuery()).isNull();
        assertThatThrownBy(() -> CommitStatusRequests.of(GitHost.GITHUB, URI.create("https://api.github.com"), "t",
                Optional.empty(), status("team/../admin", SHA))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("team/../admin");
    }

    @Test
    void bitbucketCloudTakesABearerTokenWithoutAUserName() {
        CommitStatusRequests.Request request = CommitStatusRequests.of(GitHost.BITBUCKET_CLOUD,
                URI.create("https://api.bitbucket.org"), "tok", Optional.of(" "), new CommitStatus("ws/app", SHA,
                        "quayside/build", CommitStatus.State.CANCELLED, "Build superseded", "https://board/x"));
        assertThat(request.headers()).containsEntry("Authorization", "Bearer tok");
        assertThat(new String(request.body(), java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"state\":\"STOPPED\"").contains("\"url\":\"https://board/x\"");
    }
}
