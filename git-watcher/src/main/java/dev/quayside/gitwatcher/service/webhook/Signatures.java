package dev.quayside.gitwatcher.service.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Webhook signature and token checks, all compared in constant time. */
public final class Signatures {

    private static final String HMAC_SHA256 = "HmacSHA256";

    private Signatures() {
    }

    /** The HMAC-SHA256 of {@code body} keyed with {@code secret}, as lower-case hex. */
    public static String hmacSha256Hex(String secret, byte[] body) {
        return HexFormat.of().formatHex(hmacSha256(secret, body));
    }

    /**
     * True when {@code signature} ({@code sha256=<hex>} or bare hex) is the HMAC-SHA256 of {@code body} under
     * {@code secret}. Malformed signatures are false.
     */
    public static boolean hmacSha256Matches(String secret, byte[] body, String signature) {
        if (signature == null) {
            return false;
        }
        String hex = signature.trim();
        if (hex.regionMatches(true, 0, "sha256=", 0, 7)) {
            hex = hex.substring(7);
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(hex.toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(hmacSha256(secret, body), given);
    }

    /** True when a shared token (GitLab's {@code X-Gitlab-Token}) equals {@code secret}. */
    public static boolean tokenMatches(String secret, String token) {
        if (token == null) {
            return false;
        }
        // compare digests so the time does not depend on the length or the first differing byte
        return MessageDigest.isEqual(sha256(secret), sha256(token));
    }

    private static byte[] hmacSha256(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance(HMAC_SHA256);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC_SHA256));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
