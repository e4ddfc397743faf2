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

    /** The {@code Retry-After} of a 429 for the concurrency bound. */
    @WithDefault("5s")
    Duration retryAfter();

    /**
     * Each caller's budget, by its address (the peer's, or the forwarded one when {@code quarkus.http.proxy.*} trusts a
     * proxy): so that one caller — with the token, or guessing it — cannot take every operator call of the service.
     */
    PerCaller perCaller();

    /** {@code quayside.operator.per-caller.*}. */
    interface PerCaller {

        /** Operator calls with the token one caller may make per {@link #period()}; beyond, 429. */
        @WithDefault("60")
        int calls();

        /**
         * Refused calls (no or a wrong token) one caller may make per {@link #period()}; beyond, its calls are answered
         * 429 before the token is even compared, until the period ends.
         */
        @WithDefault("10")
        int refusals();

        /** How often the budgets are refilled. */
        @WithDefault("1m")
        Duration period();

        /** Callers remembered at once (the least recently seen forgotten). */
        @WithDefault("10000")
        int remembered();
    }
}
