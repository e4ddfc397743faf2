package dev.quayside.gitwatcher.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class GitRemoteTest {

    private static GitRemote remote(String url, String password) {
        return new GitRemote("app", url, Optional.empty(), Optional.ofNullable(password), Optional.empty(),
                Optional.empty());
    }

    @Test
    void urlsLoseTheirCredentials() {
        assertThat(remote("https://ci:pa55@github.com/acme/app.git", null).redactedUrl())
                .isEqualTo("https://github.com/acme/app.git");
        assertThat(remote("https://ghp_token@github.com/acme/app.git", null).redactedUrl())
                .isEqualTo("https://github.com/acme/app.git");
        assertThat(remote("http://u:p@127.0.0.1:8080/a.git", null).redactedUrl())
                .isEqualTo("http://127.0.0.1:8080/a.git");
        assertThat(remote("ssh://git:pw@example.com:2222/app.git", null).redactedUrl())
                .isEqualTo("ssh://git@example.com:2222/app.git");
        assertThat(remote("ssh://git@example.com/app.git", null).redactedUrl())
                .isEqualTo("ssh://git@example.com/app.git");
        assertThat(remote("git@github.com:acme/app.git", null).redactedUrl()).isEqualTo("git@github.com:acme/app.git");
        assertThat(remote("file:///srv/git/app.git", null).redactedUrl()).isEqualTo("file:///srv/git/app.git");
        assertThat(remote("https://github.com/a/b@c.git", null).redactedUrl()).isEqualTo("https://github.com/a/b@c.git");
    }

    @Test
    void textLosesUrlsPasswordsAndTokens() {
        GitRemote remote = remote("https://ci:pa55word@github.com/acme/app.git", "configured-token");
        String jgit = "https://ci@github.com/acme/app.git: not authorized (pa55word, configured-token) "
                + "https://ci:pa55word@github.com/acme/app.git";
        String clean = remote.redact(jgit);
        assertThat(clean).doesNotContain("pa55word").doesNotContain("configured-token").doesNotContain("ci@")
                .contains("https://github.com/acme/app.git");
        assertThat(remote.toString()).doesNotContain("pa55word");
        GitRemote ssh = remote("ssh://git:pw-secret@example.com/app.git", null);
        assertThat(ssh.redact("ssh://git@example.com/app.git: denied")).isEqualTo("ssh://git@example.com/app.git: denied");
        assertThat(ssh.redact("pw-secret")).isEqualTo("****");
    }
}
