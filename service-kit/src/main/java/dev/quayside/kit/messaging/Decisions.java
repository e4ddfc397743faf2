package dev.quayside.kit.messaging;

import dev.quayside.events.IncomingEvent;
import dev.quayside.events.PipelineEvent;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;

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
        LEAVE
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
        return stopping || interrupted(failure) ? Settle.LEAVE : Settle.DEAD_LETTER;
    }

    /** After the outcome's events were published ({@code published}) or not. */
    static Settle afterPublishing(Outcome outcome, boolean published, boolean stopping) {
        if (!published) {
            return stopping ? Settle.LEAVE : Settle.DEAD_LETTER;
        }
        return outcome.isTerminal() ? Settle.DEAD_LETTER : Settle.ACK;
    }

    /** Whether {@code failure} is the work being stopped (interrupted, cancelled, refused by a closed pool). */
    static boolean interrupted(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InterruptedException || t instanceof CancellationException
                    || t instanceof RejectedExecutionException) {
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
