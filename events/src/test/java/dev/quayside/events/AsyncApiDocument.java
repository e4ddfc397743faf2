package dev.quayside.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the AsyncAPI 3.0 document of Quayside's topics from the code ({@link Topics}, {@link EventType} and the
 * record classes), so {@code asyncapi.yaml} can be checked against it (see {@link AsyncApiTest}).
 */
final class AsyncApiDocument {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.SPLIT_LINES));

    /** Channel id, key description and purpose of every topic, in the order of {@code events.md}. */
    private static final Map<String, String[]> CHANNELS = new LinkedHashMap<>();

    static {
        CHANNELS.put(Topics.COMMIT_PUSHED, new String[] {"commitPushed", "the repository's configured name",
                "One event per push to a watched repository, from git-watcher."});
        CHANNELS.put(Topics.BUILDS, new String[] {"builds", "the app",
                "Image builds queued, started and finished, from image-builder."});
        CHANNELS.put(Topics.IMAGE_BUILT, new String[] {"imageBuilt", "the app",
                "An image for a commit is in the registry (with its digest), from image-builder."});
        CHANNELS.put(Topics.TAG_UPDATED, new String[] {"tagUpdated", "the app",
                "The config repository pins a new image (or says why not), from config-syncer: a build's write-back"
                        + " (TagUpdated) or a promotion from the previous environment of the chain (Promoted,"
                        + " PromotionFailed), a promotion asked for by a successful deployment (PromotionRequested),"
                        + " waiting at a gate (PromotionWaiting), or its approval by an operator (PromotionApproved)."});
        CHANNELS.put(Topics.CONFIG_SYNCED, new String[] {"configSynced", "the app (field app) for one app's"
                + " announcement; config repository + '/' + branch for the rest of a sync, one that changed no app's"
                + " definition, or a FAILED one",
                "The config repository is mirrored into Consul KV, from config-syncer: once per app whose definitions"
                + " the sync changed, and once for the rest."});
        CHANNELS.put(Topics.DEPLOYED, new String[] {"deployed", "the app",
                "Outcomes of applying definitions to Marathon and Chronos, from marathon-applier."});
        CHANNELS.put(Topics.CONTAINER_STARTED, new String[] {"containerStarted", "the Consul service id",
                "Containers registered in and deregistered from the Consul catalog, from registrator."});
        CHANNELS.put(Topics.ROUTES_UPDATED, new String[] {"routesUpdated", "the edge-router instance",
                "HAProxy configurations rendered from the Consul catalog, from edge-router."});
    }

    private AsyncApiDocument() {
    }

    static JsonNode build() {
        ObjectNode root = YAML.createObjectNode();
        root.put("asyncapi", "3.0.0");
        ObjectNode info = root.putObject("info");
        info.put("title", "Quayside events");
        info.put("version", "1.0.0");
        info.put("description", "Every Quayside event is a CloudEvent 1.0 in Kafka binary mode (ce_* headers) whose"
                + " value is the full CDEvent JSON (context, subject, customData). Generated from the events module"
                + " by AsyncApiTest; do not edit by hand.");
        root.put("defaultContentType", EventCodec.CONTENT_TYPE);
        root.putObject("servers").putObject("local").put("host", "127.0.0.1:9092").put("protocol", "kafka")
                .put("description", "The broker of the local run (bin/quayside up)");

        ObjectNode channels = root.putObject("channels");
        ObjectNode operations = root.putObject("operations");
        ObjectNode components = root.putObject("components");
        ObjectNode messages = components.putObject("messages");
        ObjectNode schemas = components.putObject("schemas");
        schemas.set("CloudEventHeaders", cloudEventHeaders());
        schemas.set("EventContext", schemaOf(EventContext.class));
        schemas.set("EventSubject", schemaOf(EventSubject.class));

        CHANNELS.forEach((topic, meta) -> {
            ObjectNode channel = channels.putObject(meta[0]);
            channel.put("address", topic);
            channel.put("description", meta[2] + " Record key: " + meta[1] + ".");
            ObjectNode channelMessages = channel.putObject("messages");
            Arrays.stream(EventType.values()).filter(t -> t.topic().equals(topic)).forEach(type -> {
                String name = type.recordClass().getSimpleName();
                channelMessages.putObject(name).put("$ref", "#/components/messages/" + name);
                messages.set(name, message(type, meta[1]));
                schemas.set(name, schemaOf(type.recordClass()));
            });
            ObjectNode operation = operations.putObject("receive" + Character.toUpperCase(meta[0].charAt(0))
                    + meta[0].substring(1));
            operation.put("action", "receive");
            operation.putObject("channel").put("$ref", "#/channels/" + meta[0]);
        });

        ObjectNode logs = channels.putObject("buildLogs");
        logs.put("address", Topics.BUILD_LOGS);
        logs.put("description", "The build log stream as plain text lines (not CloudEvents). Record key: the build id.");
        ObjectNode logLine = logs.putObject("messages").putObject("BuildLogLine");
        logLine.put("contentType", "text/plain");
        logLine.putObject("payload").put("type", "string");
        operations.putObject("receiveBuildLogs").put("action", "receive").putObject("channel")
                .put("$ref", "#/channels/buildLogs");

        ObjectNode dlq = channels.putObject("deadLetters");
        dlq.put("address", Topics.deadLetter("{service}"));
        dlq.put("description", "Records a service could not process: the original value and key, with SmallRye's"
                + " dead-letter-reason, dead-letter-cause, dead-letter-topic, dead-letter-partition and"
                + " dead-letter-offset headers.");
        dlq.putObject("parameters").putObject("service").put("description", "the consuming service, e.g. image-builder");
        dlq.putObject("messages").putObject("DeadLetter").putObject("payload").put("description",
                "the original record value, unchanged");
        return root;
    }

    private static ObjectNode message(EventType type, String key) {
        String name = type.recordClass().getSimpleName();
        ObjectNode message = YAML.createObjectNode();
        message.put("name", name);
        message.put("title", type.wireType());
        message.put("contentType", EventCodec.CONTENT_TYPE);
        message.putObject("headers").put("$ref", "#/components/schemas/CloudEventHeaders");
        message.putObject("bindings").putObject("kafka").putObject("key").put("type", "string")
                .put("description", key);
        ObjectNode payload = message.putObject("payload");
        payload.put("type", "object");
        ArrayNode required = payload.putArray("required");
        required.add("context").add("subject").add("customData");
        ObjectNode properties = payload.putObject("properties");
        properties.putObject("context").put("$ref", "#/components/schemas/EventContext");
        properties.putObject("subject").put("$ref", "#/components/schemas/EventSubject");
        properties.putObject("customData").put("$ref", "#/components/schemas/" + name);
        properties.putObject("customDataContentType").put("const", EventCodec.CONTENT_TYPE);
        return message;
    }

    private static ObjectNode cloudEventHeaders() {
        ObjectNode headers = YAML.createObjectNode();
        headers.put("type", "object");
        headers.put("description", "CloudEvents Kafka protocol binding, binary content mode");
        ArrayNode required = headers.putArray("required");
        ObjectNode props = headers.putObject("properties");
        for (String[] h : new String[][] {
                {"ce_specversion", "always 1.0"}, {"ce_id", "= context.id"}, {"ce_source", "= context.source"},
                {"ce_type", "= context.type"}, {"ce_time", "= context.timestamp"}, {"ce_subject", "= subject.id"},
                {"ce_chainid", "= context.chainId (extension attribute), when the event belongs to a chain"},
                {"content-type", "application/json"}, {"traceparent", "W3C trace context, when tracing is on"}}) {
            props.putObject(h[0]).put("type", "string").put("description", h[1]);
            if (!h[0].equals("ce_chainid") && !h[0].equals("traceparent")) {
                required.add(h[0]);
            }
        }
        return headers;
    }

    private static final SchemaGenerator GENERATOR = new SchemaGenerator(
            new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_7, OptionPreset.PLAIN_JSON)
                    .with(new JacksonModule(JacksonOption.FLATTENED_ENUMS_FROM_JSONVALUE))
                    .with(Option.INLINE_ALL_SCHEMAS)
                    .without(Option.SCHEMA_VERSION_INDICATOR)
                    .build());

    static ObjectNode schemaOf(Class<?> type) {
        ObjectNode schema = GENERATOR.generateSchema(type);
        // keep the document free of "$defs" indirections that AsyncAPI tools resolve differently
        return (ObjectNode) YAML.valueToTree(schema);
    }
}
