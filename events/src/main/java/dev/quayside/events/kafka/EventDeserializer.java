package dev.quayside.events.kafka;

import dev.quayside.events.EventCodec;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.IncomingEvent;
import dev.quayside.events.MalformedEventException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a Quayside CloudEvent (binary mode) into an {@link IncomingEvent}. It never throws: a record that is not a
 * valid event becomes {@link IncomingEvent#malformed} with the reason, for the channel's failure strategy to handle.
 */
public class EventDeserializer implements Deserializer<IncomingEvent> {

    @Override
    public IncomingEvent deserialize(String topic, byte[] data) {
        return deserialize(topic, null, data);
    }

    @Override
    public IncomingEvent deserialize(String topic, Headers headers, byte[] data) {
        try {
            EventEnvelope<?> envelope = EventCodec.fromJson(data);
            String headerType = header(headers, CloudEventHeaders.TYPE);
            if (headerType != null && !headerType.equals(envelope.context().type())) {
                return IncomingEvent.malformed("ce_type header '" + headerType + "' does not match context.type '"
                        + envelope.context().type() + "'", data);
            }
            String headerId = header(headers, CloudEventHeaders.ID);
            if (headerId != null && !headerId.equals(envelope.id())) {
                return IncomingEvent.malformed(
                        "ce_id header '" + headerId + "' does not match context.id '" + envelope.id() + "'", data);
            }
            return IncomingEvent.decoded(envelope, data);
        } catch (MalformedEventException e) {
            return IncomingEvent.malformed(e.getMessage(), data);
        } catch (RuntimeException e) {
            return IncomingEvent.malformed("unreadable record: " + e, data);
        }
    }

    private static String header(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
