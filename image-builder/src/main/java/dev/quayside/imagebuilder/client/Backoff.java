package dev.quayside.imagebuilder.client;

import dev.quayside.imagebuilder.config.BuilderConfig;
import dev.quayside.kit.retry.FailedAttempt;
import dev.quayside.kit.retry.Retrier;
import dev.quayside.kit.retry.RetryPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * The one retry policy of image-builder ({@code quayside.builder.retry.*}, delays doubling): the kit's
 * {@link Retrier} for every client's {@link InfrastructureException}s, each failed attempt written to the build's log.
 */
@ApplicationScoped
public class Backoff {

    private final RetryPolicy policy;

    Backoff(BuilderConfig config) {
        BuilderConfig.Retry retry = config.retry();
        this.policy = RetryPolicy.of(retry.initialDelay(), 2, retry.maxDelay(), retry.maxDuration(),
                retry.maxRetries(), retry.jitter());
    }

    /** The policy, for what is tried again outside a client (a push whose events Kafka did not take). */
    public RetryPolicy policy() {
        return policy;
    }

    /**
     * Runs {@code action}, retrying it while it throws {@link InfrastructureException}; each failed attempt is
     * reported to {@code log} (the build log). After the last attempt the exception propagates.
     */
    public <T> T call(String what, Consumer<String> log, Callable<T> action) {
        // one name for Fault Tolerance's metrics (a per-call one would make a meter per image and remote)
        Retrier retrier = Retrier.of(policy).named("image-builder external systems")
                .retryOn(InfrastructureException.class::isInstance)
                .onFailedAttempt(failed -> log.accept(new FailedAttempt(what, failed.attempt(), failed.failure())
                        .describe()))
                .build();
        try {
            return retrier.call(action);
        } catch (Retrier.RetryFailedException e) {
            if (e.getCause() instanceof InterruptedException) {
                throw new InfrastructureException(what + " interrupted", e.getCause());
            }
            throw new IllegalStateException(what + " failed", e.getCause());
        }
    }
}
