package dev.quayside.devstack.launcher;

import java.time.Duration;
import java.time.Instant;

/** Waiting in the launcher's harnesses: an interrupt ends the wait with an exception, the flag set again. */
public final class Pause {

    private Pause() {
    }

    public static void millis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Until {@code when} (at once when it has passed). */
    public static void until(Instant when) {
        millis(Math.max(0, Duration.between(Instant.now(), when).toMillis()));
    }
}
