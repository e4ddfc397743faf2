package dev.quayside.marathonapplier.client;

/**
 * Marathon, Chronos or Consul answered with an error, or did not answer. {@link #isRetryable()} separates outages
 * (5xx, no answer) from answers that retrying cannot change (4xx).
 */
public class PlatformException extends RuntimeException {

    private final int status;

    public PlatformException(int status, String message) {
        this(status, message, null);
    }

    public PlatformException(String message, Throwable cause) {
        this(0, message, cause);
    }

    private PlatformException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status, or 0 when there was no answer. */
    public int status() {
        return status;
    }

    public boolean isRetryable() {
        return status == 0 || status >= 500;
    }

    /** The same failure, its message saying that it persisted over {@code attempts} attempts. */
    PlatformException afterAttempts(int attempts) {
        return new PlatformException(status, getMessage() + " (" + attempts + " attempts)", getCause());
    }
}
