package dev.quayside.kit.retry;

import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How one call site retries: exponential back-off with jitter inside a total budget. A typed config group that a
 * service's own {@code @ConfigMapping} embeds once per call site (e.g. {@code quayside.marathon-applier.retry.*}), so
 * every budget is set the same way. The defaults follow "a 30-second outage of any dependency loses nothing": the
 * first retry after 500 ms, delays doubling up to 30 s, ±20 % jitter, for up to 5 minutes.
 *
 * <p>Build the retry itself with {@link Retrier#of(RetryPolicy)}; {@link #of} makes a policy in code (tests, call
 * sites without their own configuration).
 */
public interface RetryPolicy {

    /** Wait before the first retry. */
    @WithDefault("500ms")
    Duration initialDelay();

    /** Each further wait is the previous one times this factor, up to {@link #maxDelay()}. */
    @WithDefault("2")
    double factor();

    /** Longest wait between two attempts. */
    @WithDefault("30s")
    Duration maxDelay();

    /**
     * Total budget: no attempt starts later than this after the first one; {@code 0} means no limit (then
     * {@link #maxRetries()} must bound the retries, or the call site must be one that retries until stopped).
     */
    @WithDefault("5m")
    Duration maxDuration();

    /** Retries after the first attempt; {@code -1} means as many as {@link #maxDuration()} allows. */
    @WithDefault("-1")
    int maxRetries();

    /** Each wait is moved at random by up to this fraction of itself, either way (0.2 = ±20 %); 0 turns it off. */
    @WithDefault("0.2")
    double jitter();

    /** A policy in code, with the same meaning as the configured one. */
    static RetryPolicy of(Duration initialDelay, double factor, Duration maxDelay, Duration maxDuration, int maxRetries,
            double jitter) {
        return new Values(initialDelay, factor, maxDelay, maxDuration, maxRetries, jitter);
    }

    /** The defaults above. */
    static RetryPolicy defaults() {
        return of(Duration.ofMillis(500), 2, Duration.ofSeconds(30), Duration.ofMinutes(5), -1, 0.2);
    }

    /** This policy with another number of retries ({@code -1}: bounded by the budget only). */
    default RetryPolicy withMaxRetries(int retries) {
        return of(initialDelay(), factor(), maxDelay(), maxDuration(), retries, jitter());
    }

    /** This policy with another total budget ({@link Duration#ZERO}: none). */
    default RetryPolicy withMaxDuration(Duration budget) {
        return of(initialDelay(), factor(), maxDelay(), budget, maxRetries(), jitter());
    }

    /** A policy given in code. */
    record Values(Duration initialDelay, double factor, Duration maxDelay, Duration maxDuration, int maxRetries,
            double jitter) implements RetryPolicy {
    }
}
