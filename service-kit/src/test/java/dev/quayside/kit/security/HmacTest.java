package dev.quayside.kit.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** HMAC-SHA256 against RFC 4231's test vectors, and the verify forms. */
class HmacTest {

    static final HexFormat HEX = HexFormat.of();

    static byte[] repeat(int b, int n) {
        byte[] out = new byte[n];
        java.util.Arrays.fill(out, (byte) b);
        return out;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void rfc4231TestCases() {
        // Test Case 1
        assertThat(HEX.formatHex(Hmac.sha256(repeat(0x0b, 20), ascii("Hi There"))))
                .isEqualTo("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
        // Test Case 2: a key shorter than the output
        assertThat(HEX.formatHex(Hmac.sha256(ascii("Jefe"), ascii("what do ya want for nothing?"))))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        // Test Case 3: combined key and data lengths over 64 bytes
        assertThat(HEX.formatHex(Hmac.sha256(repeat(0xaa, 20), repeat(0xdd, 50))))
                .isEqualTo("773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
        // Test Case 4
        assertThat(HEX.formatHex(Hmac.sha256(HEX.parseHex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
                repeat(0xcd, 50))))
                .isEqualTo("82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
        // Test Case 5: truncated to 128 bits
        assertThat(HEX.formatHex(Hmac.sha256(repeat(0x0c, 20), ascii("Test With Truncation"))).substring(0, 32))
                .isEqualTo("a3b6167473100ee06e0c796c2955552b");
        // Test Case 6: a key larger than the block size
        assertThat(HEX.formatHex(Hmac.sha256(repeat(0xaa, 131),
                ascii("Test Using Larger Than Block-Size Key - Hash Key First"))))
                .isEqualTo("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
        // Test Case 7: a larger key and larger data
        assertThat(HEX.formatHex(Hmac.sha256(repeat(0xaa, 131), ascii("This is a test using a larger than block-size"
                + " key and a larger than block-size data. The key needs to be hashed before being used by the HMAC"
                + " algorithm."))))
                .isEqualTo("9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
    }

    @Test
    void hexBase64AndHeaderFormsVerifyAndRejectTampering() {
        byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
        String hex = Hmac.sha256Hex("s3cret", body);
        assertThat(hex).hasSize(64).isLowerCase();
        assertThat(Hmac.sha256Header("s3cret", body)).isEqualTo("sha256=" + hex);
        assertThat(Base64.getDecoder().decode(Hmac.sha256Base64("s3cret", body))).isEqualTo(HEX.parseHex(hex));

        assertThat(Hmac.verifyHex("s3cret", body, hex)).isTrue();
        assertThat(Hmac.verifyHex("s3cret", body, "sha256=" + hex.toUpperCase())).isTrue();
        assertThat(Hmac.verifyHex("s3cret", body, "SHA256=" + hex)).isTrue();
        assertThat(Hmac.verifyBase64("s3cret", body, Hmac.sha256Base64("s3cret", body))).isTrue();

        assertThat(Hmac.verifyHex("other", body, hex)).isFalse();
        assertThat(Hmac.verifyHex("s3cret", "{}".getBytes(StandardCharsets.UTF_8), hex)).isFalse();
        assertThat(Hmac.verifyHex("s3cret", body, hex.substring(2))).as("shorter").isFalse();
        assertThat(Hmac.verifyHex("s3cret", body, "zz" + hex.substring(2))).as("not hex").isFalse();
        assertThat(Hmac.verifyHex("s3cret", body, null)).isFalse();
        assertThat(Hmac.verifyBase64("s3cret", body, "***")).isFalse();
    }

    @Test
    void tokensCompareByValueOnly() {
        assertThat(Hmac.tokenMatches("abc", "abc")).isTrue();
        assertThat(Hmac.tokenMatches("abc", "abd")).isFalse();
        assertThat(Hmac.tokenMatches("abc", "abcd")).isFalse();
        assertThat(Hmac.tokenMatches("abc", null)).isFalse();
        assertThat(Hmac.tokenMatches(null, "abc")).isFalse();
    }

    /** GitHub's documented example: secret "It's a Secret to Everybody", payload "Hello, World!". */
    @Test
    void githubsDocumentedExampleInEveryFormGitHubSends() {
        byte[] hello = ascii("Hello, World!");
        String secret = "It's a Secret to Everybody";
        String expected = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assertThat(Hmac.sha256Hex(secret, hello)).isEqualTo(expected);
        assertThat(Hmac.sha256Header(secret, hello)).isEqualTo("sha256=" + expected);
        assertThat(Hmac.verifyHex(secret, hello, expected)).as("bare hex").isTrue();
        assertThat(Hmac.verifyHex(secret, hello, "SHA256=" + expected.toUpperCase())).as("any case").isTrue();
        assertThat(Hmac.verifyHex("another secret", hello, "sha256=" + expected)).isFalse();
        assertThat(Hmac.verifyHex(secret, ascii("Hello, World?"), "sha256=" + expected)).isFalse();
        assertThat(Hmac.verifyHex(secret, hello, "")).isFalse();
        assertThat(Hmac.verifyHex(secret, hello, "sha1=" + expected)).as("another algorithm's prefix").isFalse();
    }
}
