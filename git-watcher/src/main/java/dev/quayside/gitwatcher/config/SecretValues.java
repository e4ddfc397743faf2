package dev.quayside.gitwatcher.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** A secret given in the configuration itself or in a file ({@code ...-file} keys, {@code *_FILE} variables). */
public final class SecretValues {

    private SecretValues() {
    }

    /**
     * The secret of {@code key}: its value, or the content of its file (one trailing line break removed, as
     * {@code echo} and most secret stores leave one). An empty value counts as absent.
     *
     * @throws IllegalStateException when both are set, or the file is unreadable or empty, naming the key (never the
     *                               secret)
     */
    public static Optional<String> resolve(String key, Optional<String> value, Optional<Path> file) {
        Optional<String> given = value.filter(v -> !v.isEmpty());
        if (file.isEmpty()) {
            return given;
        }
        if (given.isPresent()) {
            throw new IllegalStateException("set " + key + " or " + key + "-file, not both");
        }
        String content;
        try {
            content = Files.readString(file.get(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(key + "-file " + file.get() + " cannot be read: " + e, e);
        }
        if (content.endsWith("\n")) {
            content = content.substring(0, content.length() - (content.endsWith("\r\n") ? 2 : 1));
        }
        if (content.isEmpty()) {
            throw new IllegalStateException(key + "-file " + file.get() + " is empty");
        }
        return Optional.of(content);
    }
}
