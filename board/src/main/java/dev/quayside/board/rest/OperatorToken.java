package dev.quayside.board.rest;

import dev.quayside.board.config.OperatorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The configured operator token, compared in constant time: both sides are hashed first, so neither the content nor
 * the length of the expected token shows in how long a comparison takes.
 */
@ApplicationScoped
class OperatorToken {

    private final Optional<byte[]> expected;

    OperatorToken(OperatorConfig config) {
        this.expected = config.token().filter(t -> !t.isBlank()).map(OperatorToken::sha256);
    }

    boolean configured() {
        return expected.isPresent();
    }

    boolean matches(String sent) {
        return expected.isPresent() && MessageDigest.isEqual(expected.get(), sha256(sent));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
