package dev.quayside.kit.messaging;

import dev.quayside.events.EventEnvelope;
import java.util.ArrayList;
import java.util.List;

/**
 * What handling one event caused: the events to publish (in order), and optionally a terminal failure — a failure
 * retrying cannot fix, already announced by those events (a {@code DeploymentFailed}, a FAILED {@code TagUpdated}) —
 * whose reason goes with the input record to the dead-letter topic.
 *
 * @param events          the events to publish, in order
 * @param terminalFailure the dead-letter reason, or null when the input was handled
 * @param onPublished     run once every event is acknowledged by the broker, before the input is settled (e.g. to
 *                        record that a change was announced); null for nothing
 */
public record Outcome(List<EventEnvelope<?>> events, String terminalFailure, Runnable onPublished) {

    private static final Outcome NOTHING = new Outcome(List.of(), null);

    /** An outcome with nothing to run once its events are published. */
    public Outcome(List<EventEnvelope<?>> events, String terminalFailure) {
        this(events, terminalFailure, null);
    }

    public Outcome {
        events = List.copyOf(events);
        if (terminalFailure != null && terminalFailure.isBlank()) {
            throw new IllegalArgumentException("a terminal failure needs a reason");
        }
    }

    /** Handled, nothing to announce. */
    public static Outcome nothing() {
        return NOTHING;
    }

    /** Handled; announce {@code events}. */
    public static Outcome of(List<? extends EventEnvelope<?>> events) {
        return new Outcome(new ArrayList<>(events), null);
    }

    /** Handled; announce {@code events}. */
    public static Outcome of(EventEnvelope<?>... events) {
        return of(List.of(events));
    }

    /** Failed for good: announce {@code events} (the failure events), then dead-letter the input with {@code reason}. */
    public static Outcome terminal(List<? extends EventEnvelope<?>> events, String reason) {
        return new Outcome(new ArrayList<>(events), reason);
    }

    /** Failed for good with nothing (more) to announce: dead-letter the input with {@code reason}. */
    public static Outcome terminal(String reason) {
        return new Outcome(List.of(), reason);
    }

    /**
     * This outcome, with {@code action} run once its events are published (never when publishing failed); a failure of
     * the action is logged and does not change how the input is settled.
     */
    public Outcome onceAnnounced(Runnable action) {
        Runnable before = onPublished;
        return new Outcome(events, terminalFailure, before == null ? action : () -> {
            before.run();
            action.run();
        });
    }

    /** Whether the input goes to the dead-letter topic once the events are published. */
    public boolean isTerminal() {
        return terminalFailure != null;
    }

    /** The reason a failure gives: its message, or its class when it has none. */
    public static String reason(Throwable failure) {
        return failure.getMessage() == null || failure.getMessage().isBlank() ? failure.toString()
                : failure.getMessage();
    }
}
