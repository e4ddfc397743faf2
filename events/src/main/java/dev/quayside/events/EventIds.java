package dev.quayside.events;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Deterministic event ids: the same effect always gets the same id, so a redelivered input produces an event that
 * consumers recognise as a duplicate.
 */
public final class EventIds {

    private EventIds() {
    }

    /** A name-based UUID from the event type and the parts that identify the effect (e.g. repo, commit, stage). */
    public static String of(EventType type, String... parts) {
        StringBuilder name = new StringBuilder(type.wireType());
        for (String part : parts) {
            name.append('\u0000').append(part == null ? "" : part);
        }
        return UUID.nameUUIDFromBytes(name.toString().getBytes(StandardCharsets.UTF_8)).toString();
    }
}
