package dev.quayside.gitwatcher.service.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignaturesTest {

    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    /** GitHub's documented example: secret "It's a Secret to Everybody", payload "Hello, World!". */
    private static final String GITHUB_EXAMPLE = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    @Test
    void computesGitHubsDocumentedExample() {
        assertThat(Signatures.hmacSha256Hex("It's a Secret to Everybody", HELLO)).isEqualTo(GITHUB_EXAMPLE);
    }

    @Test
    void computesRfc4231TestCase2() {
        assertThat(Signatures.hmacSha256Hex("Jefe", "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void acceptsPrefixedAndBareHexInAnyCase() {
        String secret = "It's a Secret to Everybody";
        assertThat(Signatures.hmacSha256Matches(secret, HELLO, "sha256=" + GITHUB_EXAMPLE)).isTrue();
        assertThat(Signatures.hmacSha256Matches(secret, HELLO, GITHUB_EXAMPLE)).isTrue();
        assertThat(Signatures.hmacSha256Matches(secret, HELLO, "SHA256=" + GITHUB_EXAMPLE.toUpperCase())).isTrue();
    }

    @Test
    void rejectsWrongMissingAndMalformedSignatures() {
        String secret = "It's a Secret to Everybody";
        assertThat(Signatures.hmacSha256Matches("another secret", HELLO, "sha256=" + GITHUB_EXAMPLE)).isFalse();
        assertThat(Signatures.hmacSha256Matches(secret, "Hello, World?".getBytes(StandardCharsets.UTF_8),
                "sha256=" + GITHUB_EXAMPLE)).isFalse();
        assertThat(Signatures.hmacSha256Matches(secret, HELLO, null)).isFalse();
        assertThat(Signatures.hmacSha256Matches(secret, HELLO, "")).isFalse();
        assertThat(Signatures.hmacSha256Matches(secret, HELLO, "sha256=zz")).isFalse();
        assertThat(Signatures.hmacSha256Matches(secret, HELLO, "sha256=" + GITHUB_EXAMPLE.substring(2))).isFalse();
        assertThat(Signatures.hmacSha256Matches(secret, HELLO, "sha1=" + GITHUB_EXAMPLE)).isFalse();
    }

    @Test
    void comparesTokens() {
        assertThat(Signatures.tokenMatches("gitlab-token", "gitlab-token")).isTrue();
        assertThat(Signatures.tokenMatches("gitlab-token", "gitlab-tokeN")).isFalse();
        assertThat(Signatures.tokenMatches("gitlab-token", "gitlab-token ")).isFalse();
        assertThat(Signatures.tokenMatches("gitlab-token", null)).isFalse();
    }
}
