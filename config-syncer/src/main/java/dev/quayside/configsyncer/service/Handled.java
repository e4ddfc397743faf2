package dev.quayside.configsyncer.service;

import dev.quayside.events.EventEnvelope;
import java.util.List;

/**
 * What a handler produced: the events to publish, and the terminal failure (if any) that sends the input to the
 * dead-letter topic after they are published.
 */
public record Handled(List<EventEnvelope<?>> events, String terminalFailure) {

    public static Handled of(List<EventEnvelope<?>> events) {
        return new Handled(events, null);
    }
}
