package dev.quayside.imagebuilder.messaging;

import dev.quayside.events.EventEnvelope;

/**
 * The broker refused an event, or did not acknowledge it in time: the event may or may not be on Kafka. Never a build
 * failure: the push is handled again later.
 */
public class EventNotPublishedException extends RuntimeException {

    EventNotPublishedException(EventEnvelope<?> event, Throwable cause) {
        super("event " + event.id() + " (" + event.type() + ") not acknowledged by Kafka on " + event.topic() + ": "
                + (cause.getMessage() == null ? cause.toString() : cause.getMessage()), cause);
    }
}
