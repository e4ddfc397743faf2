package dev.quayside.kit.messaging;

import dev.quayside.events.IncomingEvent;
import dev.quayside.events.PipelineEvent;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;

/** The consumer shell's decisions, apart from Kafka so that they can be tested alone. */
final class Decisions {

    /** What to do with a record before any handler sees it. */
    enum Received {
        /** A valid event of the handler's type: handle it. */
        HANDLE,
        /** A valid event of another type sharing the topic: acknowledge and skip it. */
        SKIP,
        /** Not a Quayside event: log it with its position and dead-letter it with the reason. */
        MALFORMED
    }

    /** How a record ends. */
    enum Settle {
        /** Acknowledge: every effect and event is done. */
        ACK,
        /** Nack: it goes to the dead-letter topic with its reason. */
        DEAD_LETTER,
        /** Neither: the service is shutting down; the record is delivered again after the restart. */
        LEAVE,
        /**
         * Handle the record again after a back-off: its events were not published (they may or may not be on Kafka),
         * and its consumer chose {@link WhenNotPublished#HANDLE_AGAIN}.
         */
        AGAIN
    }

    /** What a consumer does with a record whose events could not be published. */
    enum WhenNotPublished {
        /** Dead-letter it with that reason (every consumer's default). */
        DEAD_LETTER,
        /** Handle it again later: failing to announce an outcome is not a failure of the work. */
        HANDLE_AGAIN
    }

    private Decisions() {
    }

    static Received receive(IncomingEvent incoming, Class<? extends PipelineEvent> type) {
        if (incoming == null || incoming.isMalformed()) {
            return Received.MALFORMED;
        }
        return incoming.is(type) ? Received.HANDLE : Received.SKIP;
    }

    /** After the handler's work failed with {@code failure} (announce the failure and dead-letter, or leave it). */
    static Settle afterFailure(Throwable failure, boolean stopping) {
        return afterFailure(failure, stopping, WhenNotPublished.DEAD_LETTER);
    }

    /**
     * After the handler's work failed with {@code failure}; when it failed because an event it published itself was
     * not acknowledged ({@link EventNotPublishedException}), {@code whenNotPublished} decides.
     */
    static Settle afterFailure(Throwable failure, boolean stopping, WhenNotPublished whenNotPublished) {
        if (stopping || interrupted(failure)) {
            return Settle.LEAVE;
        }
        return whenNotPublished == WhenNotPublished.HANDLE_AGAIN && notPublished(failure) ? Settle.AGAIN
                : Settle.DEAD_LETTER;
    }

    /** After the outcome's events were published ({@code published}) or not. */
    static Settle afterPublishing(Outcome outcome, boolean published, boolean stopping) {
        return afterPublishing(outcome, published, stopping, WhenNotPublished.DEAD_LETTER);
    }

    /** After the outcome's events were published ({@code published}) or not, for a consumer that chose what then. */
    static Settle afterPublishing(Outcome outcome, boolean published, boolean stopping,
            WhenNotPublished whenNotPublished) {
        if (!published) {
            if (stopping) {
                return Settle.LEAVE;
            }
            return whenNotPublished == WhenNotPublished.HANDLE_AGAIN ? Settle.AGAIN : Settle.DEAD_LETTER;
        }
        return outcome.isTerminal() ? Settle.DEAD_LETTER : Settle.ACK;
    }

    /** Whether {@code failure} is (or wraps) an event the broker did not take. */
    static boolean notPublished(Throwable failure) {
        return causedBy(failure, t -> t instanceof EventNotPublishedException);
    }

    /** Whether {@code failure} is the work being stopped (interrupted, cancelled, refused by a closed pool). */
    static boolean interrupted(Throwable failure) {
        return causedBy(failure, t -> t instanceof InterruptedException || t instanceof CancellationException
                || t instanceof RejectedExecutionException);
    }

    private static boolean causedBy(Throwable failure, Predicate<Throwable> kind) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (kind.test(t)) {
                return true;
            }
        }
        return false;
    }

    /** The failure inside the wrappers a {@code CompletionStage} adds. */
    static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
