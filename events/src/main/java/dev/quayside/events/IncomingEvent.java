package dev.quayside.events;

import java.util.Arrays;

/**
 * What a consumer receives from a Quayside topic: a decoded event, or a malformed record with the reason. The
 * deserializer never throws, so a bad record never crashes a consumer; the channel method calls {@link #require} and
 * the resulting {@link MalformedEventException} goes through the channel's failure strategy (the dead-letter topic).
 */
public final class IncomingEvent {

    private final EventEnvelope<?> envelope;
    private final String failure;
    private final byte[] raw;

    private IncomingEvent(EventEnvelope<?> envelope, String failure, byte[] raw) {
        this.envelope = envelope;
        this.failure = failure;
        this.raw = raw;
    }

    public static IncomingEvent decoded(EventEnvelope<?> envelope, byte[] raw) {
        return new IncomingEvent(envelope, null, raw);
    }

    public static IncomingEvent malformed(String reason, byte[] raw) {
        return new IncomingEvent(null, reason, raw);
    }

    public boolean isMalformed() {
        return envelope == null;
    }

    /** Why the record could not be decoded, or null. */
    public String failure() {
        return failure;
    }

    /** The record value as received (what goes to the dead-letter topic). */
    public byte[] raw() {
        return raw == null ? new byte[0] : Arrays.copyOf(raw, raw.length);
    }

    /** The decoded event of any type. */
    public EventEnvelope<?> envelope() {
        if (envelope == null) {
            throw new MalformedEventException(failure);
        }
        return envelope;
    }

    /** The decoded event as {@code type}, or a {@link MalformedEventException} saying what was wrong. */
    public <T extends PipelineEvent> EventEnvelope<T> require(Class<T> type) {
        return envelope().as(type);
    }

    /** True when this is a decoded event of {@code type} (e.g. to skip the other types sharing a topic). */
    public boolean is(Class<? extends PipelineEvent> type) {
        return envelope != null && type.isInstance(envelope.data());
    }

    @Override
    public String toString() {
        return envelope != null ? envelope.type() + " " + envelope.id() : "malformed: " + failure;
    }
}
