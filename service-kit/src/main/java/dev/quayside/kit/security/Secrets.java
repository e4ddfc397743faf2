package dev.quayside.kit.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Secrets from configuration, a file, or the environment — the one way every service reads a token or password:
 * <ul>
 * <li>a config key and its {@code -file} sibling ({@code quayside.operator.token} / {@code quayside.operator.token-file};
 * SmallRye Config maps {@code QUAYSIDE_OPERATOR_TOKEN_FILE} onto the latter, so the {@code _FILE} convention of
 * container platforms works as is): {@link #fromValueOrFile};</li>
 * <li>an environment variable or its {@code _FILE} sibling ({@code CONSUL_HTTP_TOKEN} / {@code CONSUL_HTTP_TOKEN_FILE}):
 * {@link #fromEnvironment}.</li>
 * </ul>
 * Setting both forms is refused (which one wins would be a guess); a file is read as UTF-8 without its trailing line
 * break; an empty value counts as unset. Values never appear in messages.
 */
public final class Secrets {

    private Secrets() {
    }

    /**
     * The secret given as {@code value} (config key {@code key}) or read from {@code file} (config key
     * {@code key + "-file"}), or empty when neither is set.
     *
     * @throws IllegalArgumentException when both are set, or the file cannot be read
     */
    public static Optional<Secret> fromValueOrFile(String key, Optional<String> value, Optional<Path> file) {
        Optional<String> given = value.filter(v -> !v.isBlank());
        if (given.isPresent() && file.isPresent()) {
            throw new IllegalArgumentException(key + " and " + key + "-file are both set: set only one");
        }
        if (file.isPresent()) {
            return Optional.of(Secret.of(read(file.get(), key + "-file"), file.get().toString()))
                    .filter(s -> !s.reveal().isEmpty());
        }
        return given.map(v -> Secret.of(v, key));
    }

    /** The secret in environment variable {@code name}, or in the file named by {@code name + "_FILE"}. */
    public static Optional<Secret> fromEnvironment(String name) {
        return fromEnvironment(name, System.getenv());
    }

    static Optional<Secret> fromEnvironment(String name, Map<String, String> environment) {
        String value = environment.get(name);
        String file = environment.get(name + "_FILE");
        Optional<String> given = Optional.ofNullable(value).filter(v -> !v.isBlank());
        Optional<Path> path = Optional.ofNullable(file).filter(f -> !f.isBlank()).map(Path::of);
        if (given.isPresent() && path.isPresent()) {
            throw new IllegalArgumentException(name + " and " + name + "_FILE are both set: set only one");
        }
        if (path.isPresent()) {
            return Optional.of(Secret.of(read(path.get(), name + "_FILE"), path.get().toString()))
                    .filter(s -> !s.reveal().isEmpty());
        }
        return given.map(v -> Secret.of(v, name));
    }

    /** The file's text as UTF-8 without its trailing line breaks; {@code what} names it in the error. */
    static String read(Path file, String what) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int end = text.length();
            while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
                end--;
            }
            return text.substring(0, end);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + ": cannot read " + file + " (" + e.getClass().getSimpleName()
                    + ")", e);
        }
    }
}
