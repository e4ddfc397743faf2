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

    /**
     * A channel's answer other than 2xx: retryable for 5xx, 429 and 408, final for any other status. The start of the
     * answer's body (at most 200 characters) is quoted, URLs removed.
     */
    static DeliveryException ofStatus(String channel, int status, String body) {
        String quoted = body == null ? "" : stripUrls(body.strip());
        if (quoted.length() > 200) {
            quoted = quoted.substring(0, 200) + "…";
        }
        boolean retryable = status >= 500 || status == 429 || status == 408;
        return new DeliveryException("channel '" + channel + "': HTTP " + status
                + (quoted.isBlank() ? "" : " " + quoted), retryable);
    }

    /** The root cause of an I/O failure in one line, URLs removed (webhook URLs are secrets). */
    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + stripUrls(root.getMessage()));
    }

    /** Connection errors may quote the URL, and webhook URLs are secrets. */
    static String stripUrls(String message) {
        return message.replaceAll("https?://\\S+", "<url>");
    }
}
