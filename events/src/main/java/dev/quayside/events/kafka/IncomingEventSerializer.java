package dev.quayside.events.kafka;

import dev.quayside.events.IncomingEvent;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes an {@link IncomingEvent} back as the bytes it was read from: the {@code dead-letter-queue.value.serializer}
 * of every channel that reads with {@link EventDeserializer}, so a dead-lettered record keeps its original value.
 */
public class IncomingEventSerializer implements Serializer<IncomingEvent> {

    @Override
    public byte[] serialize(String topic, IncomingEvent event) {
        return event == null ? null : event.raw();
    }
}
