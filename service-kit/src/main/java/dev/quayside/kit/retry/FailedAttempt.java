package dev.quayside.kit.retry;

/**
 * One attempt that failed and will be retried, as reported to {@link Retrier.Builder#onFailedAttempt}: which attempt
 * (1 for the first), what it threw, and the call site's name.
 */
public record FailedAttempt(String what, int attempt, Throwable failure) {

    /** {@code "<what> failed (attempt n): <message>"}: the line image-builder writes into a build log. */
    public String describe() {
        String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        return what + " failed (attempt " + attempt + "): " + message;
    }
}
