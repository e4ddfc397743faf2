package dev.quayside.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The JSON form of an event: the full CDEvent ({@code context}, {@code subject}, {@code customData}) as the CDEvents
 * CloudEvents binding puts it in the record value. Reading tolerates unknown fields, so adding a field stays compatible.
 */
public final class EventCodec {

    public static final String CONTENT_TYPE = "application/json";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private EventCodec() {
    }

    /** The mapper used for event JSON; configured, share it rather than copy its settings. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] toJson(EventEnvelope<?> envelope) {
        ObjectNode root = MAPPER.createObjectNode();
        root.set("context", MAPPER.valueToTree(envelope.context()));
        root.set("subject", MAPPER.valueToTree(envelope.subject()));
        root.set("customData", MAPPER.valueToTree(envelope.data()));
        root.put("customDataContentType", CONTENT_TYPE);
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses a CDEvent produced by Quayside.
     *
     * @throws MalformedEventException with the reason when the bytes are not one
     */
    public static EventEnvelope<?> fromJson(byte[] json) {
        if (json == null || json.length == 0) {
            throw new MalformedEventException("empty record value");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new MalformedEventException("unreadable: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedEventException("not a JSON object");
        }
        JsonNode contextNode = root.get("context");
        if (contextNode == null || !contextNode.isObject()) {
            throw new MalformedEventException("no CDEvent context");
        }
        String wireType = contextNode.path("type").asText("");
        EventType type = EventType.fromWireType(wireType)
                .orElseThrow(() -> new MalformedEventException("unknown event type '" + wireType + "'"));
        JsonNode data = root.get("customData");
        if (data == null || !data.isObject()) {
            throw new MalformedEventException(type.wireType() + " without customData");
        }
        try {
            EventContext context = MAPPER.treeToValue(contextNode, EventContext.class);
            if (context.id() == null || context.id().isEmpty()) {
                throw new MalformedEventException("event without context.id");
            }
            JsonNode subjectNode = root.path("subject");
            @SuppressWarnings("unchecked")
            Map<String, Object> content = subjectNode.has("content")
                    ? MAPPER.treeToValue(subjectNode.get("content"), Map.class)
                    : Map.of();
            EventSubject subject = new EventSubject(subjectNode.path("id").asText(null),
                    subjectNode.path("source").asText(null), content);
            PipelineEvent payload = MAPPER.treeToValue(data, type.recordClass());
            return new EventEnvelope<>(context, subject, payload);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new MalformedEventException(type.wireType() + " does not match its schema: "
                    + (e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage()), e);
        }
    }
}
