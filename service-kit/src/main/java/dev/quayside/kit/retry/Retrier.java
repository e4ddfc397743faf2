package dev.quayside.kit.retry;

import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.util.TypeLiteral;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one retry mechanism: SmallRye Fault Tolerance's programmatic {@link Guard} with the waits of a
 * {@link RetryPolicy} (exponential, jittered, within a total budget). Build one per call site and keep it:
 *
 * <pre>{@code
 * Retrier consul = Retrier.of(config.retry()).named("Consul")
 *         .retryOn(e -> e instanceof ConsulException).build();
 * String value = consul.call(() -> client.get(key));             // blocking
 * Uni<String> later = consul.uni(() -> client.getAsync(key));    // non-blocking waits
 * }</pre>
 *
 * A failure the predicate does not accept is thrown at once; when the retries or the budget are used up the last
 * failure is thrown (through {@link Builder#onGiveUp} when set, e.g. to say how many attempts were made).
 */
public final class Retrier {

    /** An action without a result. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    private final String what;
    private final Predicate<Throwable> retryOn;
    private final Consumer<FailedAttempt> onFailedAttempt;
    private final BiFunction<Throwable, Integer, Throwable> onGiveUp;
    private final Guard guard;

    private Retrier(Builder builder) {
        this.what = builder.what;
        this.retryOn = builder.retryOn;
        this.onFailedAttempt = builder.onFailedAttempt;
        this.onGiveUp = builder.onGiveUp;
        RetryPolicy policy = builder.policy;
        Random random = builder.random;
        LongSupplier clock = builder.nanoClock;
        long initial = Math.max(0, policy.initialDelay().toMillis());
        this.guard = Guard.create()
                .withDescription(what)
                .withRetry()
                .maxRetries(policy.maxRetries() < 0 ? -1 : policy.maxRetries())
                .delay(initial, ChronoUnit.MILLIS)
                .maxDuration(Math.max(0, policy.maxDuration().toMillis()), ChronoUnit.MILLIS)
                .jitter(0, ChronoUnit.MILLIS)
                .whenException(retryOn)
                .withCustomBackoff()
                .strategy(() -> new JitteredBackoff(policy, random, clock))
                .done()
                .done()
                .build();
    }

    /** A retry with {@code policy}'s waits and budget; retries every exception unless told otherwise. */
    public static Builder of(RetryPolicy policy) {
        return new Builder(policy);
    }

    /** Runs {@code action}, retrying it as configured; blocks the caller during the waits. */
    public <T> T call(Callable<T> action) {
        AtomicInteger attempts = new AtomicInteger();
        try {
            return guard.call(counting(action, attempts), anyType());
        } catch (Exception e) {
            throw unchecked(giveUp(e, attempts.get()));
        }
    }

    /** {@link #call} for an action without a result. */
    public void run(Action action) {
        call(() -> {
            action.run();
            return null;
        });
    }

    /**
     * The Uni of {@code action} retried as configured, without blocking: {@code action} is called again for each
     * attempt and the waits run on Fault Tolerance's timer.
     */
    public <T> Uni<T> uni(Supplier<Uni<T>> action) {
        return Uni.createFrom().deferred(() -> {
            AtomicInteger attempts = new AtomicInteger();
            Callable<Uni<T>> attempt = () -> {
                int n = attempts.incrementAndGet();
                return action.get().onFailure().invoke(failure -> reportIfRetried(n, failure));
            };
            Uni<T> guarded;
            try {
                guarded = guard.call(attempt, new TypeLiteral<Uni<T>>() {
                });
            } catch (Exception e) {
                return Uni.createFrom().failure(e);
            }
            return guarded.onFailure().transform(failure -> giveUp(failure, attempts.get()));
        });
    }

    private <T> Callable<T> counting(Callable<T> action, AtomicInteger attempts) {
        return () -> {
            int n = attempts.incrementAndGet();
            try {
                return action.call();
            } catch (Exception | Error e) {
                reportIfRetried(n, e);
                throw e;
            }
        };
    }

    private void reportIfRetried(int attempt, Throwable failure) {
        if (retryOn.test(failure)) {
            onFailedAttempt.accept(new FailedAttempt(what, attempt, failure));
        }
    }

    private Throwable giveUp(Throwable failure, int attempts) {
        if (failure instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return attempts > 1 ? Objects.requireNonNullElse(onGiveUp.apply(failure, attempts), failure) : failure;
    }

    private static RuntimeException unchecked(Throwable failure) {
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return new RetryFailedException(failure);
    }

    @SuppressWarnings("unchecked")
    private static <T> Class<T> anyType() {
        return (Class<T>) (Class<?>) Object.class;
    }

    /** A checked exception that ended a retried call, carried unchecked (its cause). */
    public static final class RetryFailedException extends RuntimeException {
        RetryFailedException(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Configures one call site's retry. */
    public static final class Builder {
        private final RetryPolicy policy;
        private String what = "call";
        private Predicate<Throwable> retryOn = e -> true;
        private Consumer<FailedAttempt> onFailedAttempt = attempt -> {
        };
        private BiFunction<Throwable, Integer, Throwable> onGiveUp = (failure, attempts) -> failure;
        private Random random = new Random();
        private LongSupplier nanoClock = System::nanoTime;

        private Builder(RetryPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
        }

        /** What is retried, for logs and Fault Tolerance's metrics. */
        public Builder named(String what) {
            this.what = what;
            return this;
        }

        /** Which failures are worth another attempt; any other is thrown at once. */
        public Builder retryOn(Predicate<Throwable> retryOn) {
            this.retryOn = retryOn;
            return this;
        }

        /** Called after each failed attempt that will be retried if budget is left (e.g. to write a build log line). */
        public Builder onFailedAttempt(Consumer<FailedAttempt> listener) {
            this.onFailedAttempt = listener;
            return this;
        }

        /**
         * Maps the failure that ends a call after more than one attempt (with the number of attempts made), e.g. to
         * add "(3 attempts)" to its message. Not called when the first attempt's failure is thrown.
         */
        public Builder onGiveUp(BiFunction<Throwable, Integer, Throwable> mapper) {
            this.onGiveUp = mapper;
            return this;
        }

        /** The source of jitter (tests pass a seeded one). */
        Builder random(Random random) {
            this.random = random;
            return this;
        }

        /** The clock the budget is measured on (tests pass a fake one). */
        Builder nanoClock(LongSupplier nanoClock) {
            this.nanoClock = nanoClock;
            return this;
        }

        public Retrier build() {
            return new Retrier(this);
        }
    }
}
