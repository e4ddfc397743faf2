package dev.quayside.kit.security;

import java.util.Objects;

/**
 * A secret value (token, password, webhook secret) that cannot be logged by accident: {@link #toString()} never shows
 * it. Read it with {@link #reveal()} only where it is sent.
 */
public final class Secret {

    private final String value;
    private final String origin;

    private Secret(String value, String origin) {
        this.value = Objects.requireNonNull(value, "value");
        this.origin = origin;
    }

    /** {@code value}, said to come from {@code origin} (a config key or file name, never the value). */
    public static Secret of(String value, String origin) {
        return new Secret(value, origin);
    }

    /** The value itself. */
    public String reveal() {
        return value;
    }

    /** Where it came from (a config key or a file), for messages. */
    public String origin() {
        return origin;
    }

    /** True when {@code given} equals this secret, compared in constant time. */
    public boolean matches(String given) {
        return Hmac.tokenMatches(value, given);
    }

    @Override
    public String toString() {
        return "****(" + origin + ")";
    }
}
