package dev.quayside.events;

import java.time.Instant;
import java.util.Objects;

/**
 * One Quayside event as it travels: the CDEvent context and subject around a typed {@link PipelineEvent}.
 * Build new envelopes with {@link #startChain} (only git-watcher does) or {@link #next} from the event that caused them.
 */
public record EventEnvelope<E extends PipelineEvent>(EventContext context, EventSubject subject, E data) {

    public EventEnvelope {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(data, "data");
    }

    /** Wraps an event with an explicit id and chain id. */
    public static <E extends PipelineEvent> EventEnvelope<E> of(E data, String source, String id, String chainId,
            Instant timestamp) {
        EventType type = EventType.of(data.getClass());
        EventContext context = new EventContext(EventContext.CDEVENTS_SPEC_VERSION, id, source, type.wireType(),
                timestamp, chainId);
        return new EventEnvelope<>(context, new EventSubject(data.subjectId(), source, data.subjectContent()), data);
    }

    /** The first event of a chain: its chain id is its own id. */
    public static EventEnvelope<CommitPushed> startChain(CommitPushed data, String source, String id,
            Instant timestamp) {
        return of(data, source, id, id, timestamp);
    }

    /** An event caused by this one: same chain, deterministic id from its type and {@code idParts}. */
    public <F extends PipelineEvent> EventEnvelope<F> next(F data, String source, Instant timestamp,
            String... idParts) {
        String id = EventIds.of(EventType.of(data.getClass()), idParts);
        return of(data, source, id, context.chainId(), timestamp);
    }

    public EventType type() {
        return EventType.of(data.getClass());
    }

    public String id() {
        return context.id();
    }

    public String chainId() {
        return context.chainId();
    }

    /** The Kafka record key. */
    public String key() {
        return data.partitionKey();
    }

    public String topic() {
        return type().topic();
    }

    /** This envelope's data as {@code type}, or an exception naming both types. */
    @SuppressWarnings("unchecked")
    public <T extends PipelineEvent> EventEnvelope<T> as(Class<T> type) {
        if (!type.isInstance(data)) {
            throw new MalformedEventException(
                    "expected " + type.getSimpleName() + " but got " + data.getClass().getSimpleName());
        }
        return (EventEnvelope<T>) this;
    }
}
