package dev.quayside.kit.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Who may call the operator endpoints ({@link OperatorAction}): {@code quayside.operator.*}, the same in every service. */
@ConfigMapping(prefix = "quayside.operator")
public interface OperatorConfig {

    /**
     * The bearer token operator calls must carry. Unset (and no {@link #tokenFile()}): every operator endpoint answers
     * 403 until one is set.
     */
    Optional<String> token();

    /** A file holding the token (alternative to {@link #token()}; {@code QUAYSIDE_OPERATOR_TOKEN_FILE} in the environment). */
    Optional<Path> tokenFile();

    /** Operator calls served at once by this service; further ones are answered 429 at once. */
    @WithDefault("2")
    int maxConcurrent();

    /** The {@code Retry-After} of a 429. */
    @WithDefault("5s")
    Duration retryAfter();
}
