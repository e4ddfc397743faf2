package dev.quayside.kit.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The one HMAC-SHA256: signing webhook bodies and notifications, verifying signatures in constant time, in hex
 * ({@code X-Hub-Signature-256: sha256=<hex>}) and base64 forms; and the constant-time comparison of shared tokens.
 */
public final class Hmac {

    private static final String ALGORITHM = "HmacSHA256";
    private static final String PREFIX = "sha256=";

    private Hmac() {
    }

    /** The HMAC-SHA256 of {@code data} under {@code key}. */
    public static byte[] sha256(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            // an empty key is legal for HMAC but not for SecretKeySpec: RFC 2104 pads it to zeros, as one zero byte does
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, ALGORITHM));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    }

    /** The HMAC-SHA256 of {@code data} under the UTF-8 bytes of {@code secret}, as lower-case hex. */
    public static String sha256Hex(String secret, byte[] data) {
        return HexFormat.of().formatHex(sha256(utf8(secret), data));
    }

    /** The HMAC-SHA256 of {@code data} under the UTF-8 bytes of {@code secret}, as standard base64. */
    public static String sha256Base64(String secret, byte[] data) {
        return Base64.getEncoder().encodeToString(sha256(utf8(secret), data));
    }

    /** {@code sha256=<hex>}: the form GitHub, Gitea and Quayside's own signature headers carry. */
    public static String sha256Header(String secret, byte[] data) {
        return PREFIX + sha256Hex(secret, data);
    }

    /**
     * True when {@code signature} (hex, with or without a {@code sha256=} prefix, any case) is the HMAC-SHA256 of
     * {@code data} under {@code secret}. Null or malformed signatures are false; the comparison takes the same time
     * wherever the first difference is.
     */
    public static boolean verifyHex(String secret, byte[] data, String signature) {
        return verify(secret, data, signature, hex -> HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT)));
    }

    /** Like {@link #verifyHex} for a base64 signature (with or without a {@code sha256=} prefix). */
    public static boolean verifyBase64(String secret, byte[] data, String signature) {
        return verify(secret, data, signature, Base64.getDecoder()::decode);
    }

    private static boolean verify(String secret, byte[] data, String signature, Function<String, byte[]> decode) {
        if (signature == null || secret == null) {
            return false;
        }
        String text = signature.trim();
        if (text.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            text = text.substring(PREFIX.length());
        }
        byte[] given;
        try {
            given = decode.apply(text);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(sha256(utf8(secret), data), given);
    }

    /**
     * True when the shared token {@code given} equals {@code expected} (GitLab's {@code X-Gitlab-Token}, a bearer
     * token). Both are hashed first, so the time depends neither on the length nor on where they differ.
     */
    public static boolean tokenMatches(String expected, String given) {
        if (expected == null || given == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256Digest(expected), sha256Digest(given));
    }

    private static byte[] sha256Digest(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(utf8(value));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
