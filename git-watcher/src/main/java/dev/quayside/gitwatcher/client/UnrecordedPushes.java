package dev.quayside.gitwatcher.client;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pushes {@link DeliveryLog} published while their {@code emitted} record could not be written (the broker went
 * away between the two): their events are in Kafka but the log does not say so. They are kept until recorded, before
 * anything else is planned, so that no poll plans a ref from its older head.
 */
final class UnrecordedPushes {

    /** Writes that a push's event is in Kafka, and waits until Kafka has it. */
    @FunctionalInterface
    interface Recorder {
        void markEmitted(String push, String eventId, String repository, String ref, String before, String head);
    }

    /** A push whose event was published, to be recorded as emitted. */
    record Push(String push, String eventId, String repository, String ref, String before, String head) {

        void recordWith(Recorder recorder) {
            recorder.markEmitted(push, eventId, repository, ref, before, head);
        }
    }

    /** By push. */
    private final Map<String, Push> unrecorded = new ConcurrentHashMap<>();

    /** Records {@code emitted}; when that fails it is kept (see {@link #recordAll}) and the failure thrown. */
    void record(Recorder recorder, Push emitted) {
        try {
            emitted.recordWith(recorder);
        } catch (RuntimeException e) {
            unrecorded.put(emitted.push(), emitted);
            throw e;
        }
    }

    /**
     * Records the pushes kept, each forgotten once recorded; a failure is thrown (nothing is planned from a log that
     * misses a published push). Whether there were any.
     */
    boolean recordAll(Recorder recorder) {
        if (unrecorded.isEmpty()) {
            return false;
        }
        for (Push pending : List.copyOf(unrecorded.values())) {
            pending.recordWith(recorder);
            unrecorded.remove(pending.push(), pending);
        }
        return true;
    }
}
