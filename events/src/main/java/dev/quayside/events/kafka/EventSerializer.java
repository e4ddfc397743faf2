package dev.quayside.events.kafka;

import dev.quayside.events.EventCodec;
import dev.quayside.events.EventEnvelope;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.message.Encoding;
import io.cloudevents.kafka.CloudEventSerializer;
import java.net.URI;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes an {@link EventEnvelope} as a CloudEvent in Kafka binary mode: the attributes as {@code ce_*} headers, the
 * full CDEvent JSON as the value. Use as {@code value.serializer} of every outgoing event channel.
 */
public class EventSerializer implements Serializer<EventEnvelope<?>> {

    private final CloudEventSerializer cloudEvents = new CloudEventSerializer();

    public EventSerializer() {
        cloudEvents.configure(Map.of(CloudEventSerializer.ENCODING_CONFIG, Encoding.BINARY.name()), false);
    }

    @Override
    public byte[] serialize(String topic, EventEnvelope<?> envelope) {
        throw new UnsupportedOperationException("CloudEvents binary mode needs record headers");
    }

    @Override
    public byte[] serialize(String topic, Headers headers, EventEnvelope<?> envelope) {
        if (envelope == null) {
            return null;
        }
        return cloudEvents.serialize(topic, headers, toCloudEvent(envelope));
    }

    /** The CloudEvent whose attributes mirror the CDEvent's context and subject. */
    public static CloudEvent toCloudEvent(EventEnvelope<?> envelope) {
        CloudEventBuilder builder = CloudEventBuilder.v1()
                .withId(envelope.context().id())
                .withSource(URI.create(envelope.context().source()))
                .withType(envelope.context().type())
                .withTime(envelope.context().timestamp().atOffset(ZoneOffset.UTC))
                .withSubject(envelope.subject().id())
                .withDataContentType(EventCodec.CONTENT_TYPE)
                .withData(EventCodec.toJson(envelope));
        if (envelope.chainId() != null) {
            builder.withExtension("chainid", envelope.chainId());
        }
        return builder.build();
    }
}
