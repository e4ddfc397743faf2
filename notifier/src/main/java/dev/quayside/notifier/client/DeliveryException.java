package dev.quayside.notifier.client;

import dev.quayside.kit.retry.Retrier;
import dev.quayside.notifier.config.NotifierConfig;

/** A channel did not take a notification. {@link #isRetryable()} tells whether trying again can help. */
public class DeliveryException extends RuntimeException {

    private final boolean retryable;

    public DeliveryException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public DeliveryException(String message, Throwable cause) {
        super(message, cause);
        this.retryable = true;
    }

    public boolean isRetryable() {
        return retryable;
    }

    /**
     * The retry of one delivery call site: the kit's {@link Retrier} with the configured policy, retrying what is
     * retryable (any failure but a {@link DeliveryException} that says it is not); the last failure is given up with.
     */
    static Retrier retrier(String what, NotifierConfig.Retry retry) {
        return Retrier.of(retry.policy()).named(what)
                .retryOn(e -> !(e instanceof DeliveryException d) || d.isRetryable()).build();
    }
}
