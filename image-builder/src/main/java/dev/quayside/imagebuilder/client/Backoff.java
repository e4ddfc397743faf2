package dev.quayside.imagebuilder.client;

import dev.quayside.imagebuilder.config.BuilderConfig;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The bounded exponential back-off every client applies to {@link InfrastructureException}s (SmallRye Fault
 * Tolerance's programmatic {@link Guard}, configured from {@code quayside.builder.retry.*}).
 */
@ApplicationScoped
public class Backoff {

    private final Guard guard;

    Backoff(BuilderConfig config) {
        BuilderConfig.Retry retry = config.retry();
        this.guard = Guard.create()
                .withDescription("image-builder external systems")
                .withRetry()
                .maxRetries(retry.maxRetries())
                .delay(retry.initialDelay().toMillis(), ChronoUnit.MILLIS)
                .maxDuration(retry.maxDuration().toMillis(), ChronoUnit.MILLIS)
                .jitter(0, ChronoUnit.MILLIS)
                .retryOn(InfrastructureException.class)
                .withExponentialBackoff()
                .factor(2)
                .maxDelay(retry.maxDelay().toMillis(), ChronoUnit.MILLIS)
                .done()
                .done()
                .build();
    }

    /**
     * Runs {@code action}, retrying it while it throws {@link InfrastructureException}; each failed attempt is
     * reported to {@code log} (the build log). After the last attempt the exception propagates.
     */
    @SuppressWarnings("unchecked")
    public <T> T call(String what, Consumer<String> log, Callable<T> action) {
        AtomicInteger attempt = new AtomicInteger();
        Callable<T> reporting = () -> {
            int n = attempt.incrementAndGet();
            try {
                return action.call();
            } catch (InfrastructureException e) {
                log.accept(what + " failed (attempt " + n + "): " + e.getMessage());
                throw e;
            }
        };
        try {
            return guard.call(reporting, (Class<T>) (Class<?>) Object.class);
        } catch (RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfrastructureException(what + " interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException(what + " failed", e);
        }
    }
}
