package dev.quayside.kit.messaging;

import dev.quayside.events.EventEnvelope;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.TracingMetadata;
import java.util.List;
import java.util.Optional;

/**
 * The record an {@link AsyncEventHandler} is handling: where it came from, and a way to publish events in its trace
 * before the work ends.
 */
public final class Delivery {

    private final String position;
    private final Optional<TracingMetadata> trace;
    private final EventPublisher publisher;

    Delivery(String position, Optional<TracingMetadata> trace, EventPublisher publisher) {
        this.position = position;
        this.trace = trace;
        this.publisher = publisher;
    }

    /** {@code topic/partition@offset} of the record, for logs. */
    public String position() {
        return position;
    }

    /** The record's trace context, which events published for it continue. */
    public Optional<TracingMetadata> trace() {
        return trace;
    }

    /** Publishes {@code events} in the record's trace and returns when the broker has them all. Blocks. */
    public void publish(List<? extends EventEnvelope<?>> events) {
        publisher.publish(events, trace);
    }

    /** {@link #publish} without blocking. */
    public Uni<Void> publishLater(List<? extends EventEnvelope<?>> events) {
        return publisher.sendAll(events, trace);
    }

    @Override
    public String toString() {
        return position;
    }
}
