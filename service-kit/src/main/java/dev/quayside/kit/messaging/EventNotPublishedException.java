package dev.quayside.kit.messaging;

import dev.quayside.events.EventEnvelope;

/** The broker refused an event, or did not acknowledge it in time. */
public class EventNotPublishedException extends RuntimeException {

    EventNotPublishedException(EventEnvelope<?> event, String why) {
        super(describe(event, why));
    }

    /** Public so that a publisher with faults in a service's tests fails as the real one does. */
    public EventNotPublishedException(EventEnvelope<?> event, String why, Throwable cause) {
        super(describe(event, why), cause);
    }

    private static String describe(EventEnvelope<?> event, String why) {
        return "event " + event.id() + " (" + event.type() + ") not published on " + event.topic() + ": " + why;
    }
}
