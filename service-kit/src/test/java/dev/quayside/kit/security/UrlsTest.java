package dev.quayside.kit.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class UrlsTest {

    @Test
    void userInfoIsStrippedFromUrls() {
        assertThat(Urls.redact("https://user:tok3n@git.example.com/acme/app.git"))
                .isEqualTo("https://git.example.com/acme/app.git");
        assertThat(Urls.redact("https://x-access-token:ghp_abc@github.com:8443/a/b.git?x=1#f"))
                .isEqualTo("https://github.com:8443/a/b.git?x=1#f");
        assertThat(Urls.redact("ssh://git:pa@ss@host/repo.git")).as("an unescaped @ in the password")
                .isEqualTo("ssh://host/repo.git");
        assertThat(Urls.redact("http://token@127.0.0.1:8500")).isEqualTo("http://127.0.0.1:8500");
        assertThat(Urls.redact(URI.create("https://u:p@h/x"))).isEqualTo(URI.create("https://h/x"));
    }

    @Test
    void urlsWithoutUserInfoAndOtherTextStayAsTheyAre() {
        assertThat(Urls.redact("https://git.example.com/a/b@v1.git")).isEqualTo("https://git.example.com/a/b@v1.git");
        assertThat(Urls.redact("file:///srv/git/deploy.git")).isEqualTo("file:///srv/git/deploy.git");
        assertThat(Urls.redact("git@github.com:acme/app.git")).as("an SCP-like address names an account")
                .isEqualTo("git@github.com:acme/app.git");
        assertThat(Urls.redact("/srv/git/app.git")).isEqualTo("/srv/git/app.git");
        assertThat(Urls.redact((String) null)).isNull();
    }

    @Test
    void everyUrlInAMessageIsRedacted() {
        assertThat(Urls.redactAll("fetch of https://bob:secret@git.example.com/a.git failed; "
                + "retrying http://alice:pw@mirror.example.com:8080/a.git"))
                .isEqualTo("fetch of https://git.example.com/a.git failed; retrying http://mirror.example.com:8080/a.git")
                .doesNotContain("secret").doesNotContain("pw");
    }
}
