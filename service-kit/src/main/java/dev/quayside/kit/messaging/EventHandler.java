package dev.quayside.kit.messaging;

import dev.quayside.events.EventEnvelope;
import dev.quayside.events.PipelineEvent;

/**
 * One handler per event type (in the spirit of Spinnaker orca's {@code MessageHandler}): it says which type it takes
 * and returns what handling caused. Used by in-order channels, whose record is settled before the next one is handed
 * over ({@link EventConsumer#consume(org.eclipse.microprofile.reactive.messaging.Message, EventHandler)}).
 *
 * <p>Retry retryable failures inside {@link #handle} (with {@link dev.quayside.kit.retry.Retrier}); return a terminal
 * {@link Outcome} for a failure retrying cannot fix; anything thrown is an unexpected failure, announced through
 * {@link #failed} and dead-lettered.
 *
 * @param <T> the event type handled
 */
public interface EventHandler<T extends PipelineEvent> {

    /** The event type this handler takes; records of other types on the topic are acknowledged and skipped. */
    Class<T> eventType();

    /** Handles one event (on a worker thread); returns the events it caused. */
    Outcome handle(EventEnvelope<T> event) throws Exception;

    /**
     * How to announce that {@link #handle} threw {@code failure}: the stage's failure events (a FAILED
     * {@code TagUpdated}, a {@code DeploymentFailed}) and the dead-letter reason. By default nothing is announced and
     * the reason is the failure's message.
     */
    default Outcome failed(EventEnvelope<T> event, Throwable failure) {
        return Outcome.terminal(Outcome.reason(failure));
    }
}
