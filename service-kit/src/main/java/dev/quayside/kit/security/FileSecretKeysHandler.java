package dev.quayside.kit.security;

import io.smallrye.config.SecretKeysHandler;
import java.nio.file.Path;

/**
 * A file form for every configuration value: {@code ${file::/run/secrets/registry-password}} is the content of that
 * file (UTF-8, without its trailing line break), read when the configuration is built — the way Marathon's file-based
 * secrets, Docker secrets and Kubernetes secret volumes hand a secret to a process. Any property takes it, e.g.
 * {@code quayside.registry.password=${file::/run/secrets/registry}} or, in the environment,
 * {@code QUAYSIDE_REGISTRY_PASSWORD=${file::/run/secrets/registry}}. An unreadable file stops the start naming the
 * file, never a value. Registered for SmallRye Config (and so every Quarkus service) through
 * {@code META-INF/services/io.smallrye.config.SecretKeysHandler}.
 */
public final class FileSecretKeysHandler implements SecretKeysHandler {

    /** The handler's name in {@code ${file::<path>}}. */
    public static final String NAME = "file";

    @Override
    public String decode(String path) {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("${file::<path>} without a path");
        }
        return Secrets.read(Path.of(path.strip()), "${file::" + path.strip() + "}");
    }

    @Override
    public String getName() {
        return NAME;
    }
}
