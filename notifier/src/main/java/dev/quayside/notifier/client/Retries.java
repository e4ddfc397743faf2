package dev.quayside.notifier.client;

import dev.quayside.notifier.config.NotifierConfig;
import io.smallrye.mutiny.Uni;

/** The bounded back-off every channel gets: retryable failures only, then the last failure. */
final class Retries {

    private Retries() {
    }

    static <T> Uni<T> withBackOff(Uni<T> attempt, NotifierConfig.Retry retry) {
        if (retry.maxRetries() <= 0) {
            return attempt;
        }
        return attempt.onFailure(e -> !(e instanceof DeliveryException d) || d.isRetryable()).retry()
                .withBackOff(retry.initialBackoff(), retry.maxBackoff()).withJitter(0.2).atMost(retry.maxRetries());
    }
}
