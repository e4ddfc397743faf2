package dev.quayside.marathonapplier.client;

/**
 * Marathon or Chronos answered with an error. {@link #isRetryable()} separates outages (5xx, no answer) from
 * answers that retrying cannot change (4xx).
 */
public class PlatformException extends RuntimeException {

    private final int status;

    public PlatformException(int status, String message) {
        super(message);
        this.status = status;
    }

    public PlatformException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    /** The HTTP status, or 0 when there was no answer. */
    public int status() {
        return status;
    }

    public boolean isRetryable() {
        return status == 0 || status >= 500;
    }
}
