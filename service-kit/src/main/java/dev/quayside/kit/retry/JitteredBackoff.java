package dev.quayside.kit.retry;

import io.smallrye.faulttolerance.api.CustomBackoffStrategy;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The waits of one retried call (one instance per call, as Fault Tolerance asks of a custom strategy): the initial
 * delay times {@code factor^n}, at most the max delay, moved by up to ±jitter of itself, and never past the budget's
 * end, so that the last attempt still happens when the budget runs out instead of being skipped by a long sleep.
 *
 * <p>{@link Retrier} uses it inside Fault Tolerance; code that tries again later by itself (the consumer shell handling
 * a record again) takes the same waits from {@link #start} and {@link #next}:
 *
 * <pre>{@code
 * JitteredBackoff waits = JitteredBackoff.start(policy);    // the budget starts now
 * Optional<Duration> wait = waits.next();                   // empty: retries or budget used up
 * }</pre>
 */
public final class JitteredBackoff implements CustomBackoffStrategy {

    private final RetryPolicy policy;
    private final Random random;
    private final LongSupplier nanoClock;
    private long deadline;
    private int retries;

    JitteredBackoff(RetryPolicy policy, Random random, LongSupplier nanoClock) {
        this.policy = policy;
        this.random = random;
        this.nanoClock = nanoClock;
        this.deadline = budgetEnd();
    }

    /** The waits of one caller that retries by itself, following {@code policy}; its budget starts now. */
    public static JitteredBackoff start(RetryPolicy policy) {
        return new JitteredBackoff(policy, new Random(), System::nanoTime);
    }

    /**
     * The wait before the next retry, or empty when {@link RetryPolicy#maxRetries()} retries were made already or the
     * budget is used up.
     */
    public Optional<Duration> next() {
        if (policy.maxRetries() >= 0 && retries >= policy.maxRetries()) {
            return Optional.empty();
        }
        if (deadline != Long.MAX_VALUE && nanoClock.getAsLong() - deadline >= 0) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis(nextDelayInMillis(null)));
    }

    /** The retries whose wait was given so far. */
    public int retries() {
        return retries;
    }

    @Override
    public void init(long initialDelayInMillis) {
        this.deadline = budgetEnd();
        this.retries = 0;
    }

    private long budgetEnd() {
        long budget = policy.maxDuration().toNanos();
        return budget <= 0 ? Long.MAX_VALUE : nanoClock.getAsLong() + budget;
    }

    @Override
    public long nextDelayInMillis(Throwable exception) {
        double base = policy.initialDelay().toMillis() * Math.pow(Math.max(1.0, policy.factor()), retries++);
        double capped = Math.min(base, policy.maxDelay().toMillis());
        double jitter = Math.max(0, Math.min(1, policy.jitter()));
        double delay = capped * (1 + jitter * (2 * random.nextDouble() - 1));
        long millis = Math.max(0, Math.round(delay));
        if (deadline != Long.MAX_VALUE) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - nanoClock.getAsLong());
            millis = Math.max(0, Math.min(millis, left));
        }
        return millis;
    }
}
