package dev.quayside.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.AbsoluteIri;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every standard CDEvent Quayside produces validates against the published CDEvents v0.5.1 JSON schemas. */
class CdEventsSchemaTest {

    private static final String SCHEMA_BASE = "https://cdevents.dev/0.5.1/schema/";

    @Test
    void everyProducedStandardEventMatchesItsPublishedSchema() throws IOException {
        Path schemas = SharedFixtures.require("cdevents/schemas");
        JsonSchemaFactory factory = factory(schemas);
        int validated = 0;
        for (EventEnvelope<?> envelope : SampleEvents.all()) {
            if (!envelope.type().isStandardCdEvent()) {
                continue;
            }
            JsonSchema schema = schemaFor(factory, schemas, envelope.type());
            JsonNode json = EventCodec.mapper().readTree(EventCodec.toJson(envelope));
            Set<ValidationMessage> errors = schema.validate(json);
            assertThat(errors).as(envelope.type().wireType()).isEmpty();
            validated++;
        }
        assertThat(validated).isEqualTo(Stream.of(EventType.values()).filter(EventType::isStandardCdEvent).count());
    }

    @Test
    void theSchemasRejectAnEventWithAWrongSubject() throws IOException {
        Path schemas = SharedFixtures.require("cdevents/schemas");
        JsonSchema schema = schemaFor(factory(schemas), schemas, EventType.COMMIT_PUSHED);
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) EventCodec.mapper()
                .readTree(EventCodec.toJson(SampleEvents.commitPushed()));
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("subject").get("content")).put("notAllowed", 1);
        assertThat(schema.validate(json)).isNotEmpty();
    }

    @Test
    void theConformanceExamplesValidate() throws IOException {
        Path schemas = SharedFixtures.require("cdevents/schemas");
        Path conformance = SharedFixtures.require("cdevents/conformance");
        JsonSchemaFactory factory = factory(schemas);
        try (Stream<Path> files = Files.list(conformance)) {
            for (Path file : files.toList()) {
                JsonNode json = EventCodec.mapper().readTree(file.toFile());
                String type = json.path("context").path("type").asText();
                String name = type.replace("dev.cdevents.", "").replaceAll("\\.\\d+\\.\\d+\\.\\d+$", "").replace(".", "");
                JsonSchema schema = factory.getSchema(Files.newInputStream(schemas.resolve(name + ".json")));
                assertThat(schema.validate(json)).as(file.toString()).isEmpty();
            }
        }
    }

    static JsonSchema schemaFor(JsonSchemaFactory factory, Path schemas, EventType type) throws IOException {
        String file = type.wireType().replace("dev.cdevents.", "").replaceAll("\\.\\d+\\.\\d+\\.\\d+$", "")
                .replace(".", "") + ".json";
        try (InputStream in = Files.newInputStream(schemas.resolve(file))) {
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
            return factory.getSchema(in, config);
        }
    }

    /** Resolves the schemas' {@code $ref}s ({@code links/embeddedlinksarray} ...) to the local files: no network. */
    static JsonSchemaFactory factory(Path schemas) {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, builder -> builder
                .schemaMappers(mappers -> mappers.add(iri -> {
                    String value = iri.toString();
                    if (!value.startsWith(SCHEMA_BASE)) {
                        return null;
                    }
                    Path local = schemas.resolve(value.substring(SCHEMA_BASE.length()) + ".json");
                    return Files.exists(local) ? AbsoluteIri.of(local.toUri().toString()) : null;
                })));
    }
}
