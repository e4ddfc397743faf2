package dev.quayside.kit.messaging;

import dev.quayside.events.EventEnvelope;
import dev.quayside.events.PipelineEvent;
import java.util.concurrent.CompletionStage;

/**
 * A handler whose work runs concurrently with the next records' (image-builder's builds, marathon-applier's
 * deployments, notifier's deliveries): {@link #handle} starts the work and returns at once; the record is acknowledged
 * when the returned stage completes and its events are published (the {@code throttled} commit strategy then commits
 * offsets only below records that are all settled). Work may publish events before it ends through
 * {@link Delivery#publish}, e.g. one app's outcome as soon as that app is done.
 *
 * @param <T> the event type handled
 */
public interface AsyncEventHandler<T extends PipelineEvent> {

    /** The event type this handler takes; records of other types on the topic are acknowledged and skipped. */
    Class<T> eventType();

    /**
     * Starts handling one event. Called in record order on a worker thread, and may block there briefly (e.g. to wait
     * for an in-flight slot); the stage completes with what the work caused.
     */
    CompletionStage<Outcome> handle(EventEnvelope<T> event, Delivery delivery) throws Exception;

    /** How to announce that the work failed with {@code failure}; see {@link EventHandler#failed}. */
    default Outcome failed(EventEnvelope<T> event, Throwable failure) {
        return Outcome.terminal(Outcome.reason(failure));
    }
}
