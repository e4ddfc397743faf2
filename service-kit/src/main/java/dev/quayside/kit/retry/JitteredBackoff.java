package dev.quayside.kit.retry;

import io.smallrye.faulttolerance.api.CustomBackoffStrategy;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The waits of one retried call (one instance per call, as Fault Tolerance asks of a custom strategy): the initial
 * delay times {@code factor^n}, at most the max delay, moved by up to ±jitter of itself, and never past the budget's
 * end, so that the last attempt still happens when the budget runs out instead of being skipped by a long sleep.
 */
final class JitteredBackoff implements CustomBackoffStrategy {

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
