package dev.quayside.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code asyncapi.yaml} in step with the code: it must equal the document built from {@link Topics},
 * {@link EventType} and the records. After changing an event, run
 * {@code ./mvnw -pl events test -Dtest=AsyncApiTest -Dquayside.asyncapi.write=true} and review the diff.
 */
class AsyncApiTest {

    private static final Path FILE = Path.of("src/main/resources/asyncapi.yaml");

    @Test
    void asyncApiDocumentMatchesTheCode() throws IOException {
        JsonNode expected = AsyncApiDocument.build();
        if (Boolean.getBoolean("quayside.asyncapi.write")) {
            Files.writeString(FILE, AsyncApiDocument.YAML.writeValueAsString(expected));
        }
        JsonNode actual = AsyncApiDocument.YAML.readTree(FILE.toFile());
        assertThat(actual).as("asyncapi.yaml is stale: regenerate it (see this test's javadoc)").isEqualTo(expected);
    }

    @Test
    void everyTopicAndEveryEventTypeIsDocumented() throws IOException {
        JsonNode doc = AsyncApiDocument.YAML.readTree(FILE.toFile());
        List<String> addresses = new ArrayList<>();
        doc.path("channels").forEach(c -> addresses.add(c.path("address").asText()));
        assertThat(addresses).containsAll(Topics.ALL);
        List<String> titles = new ArrayList<>();
        doc.path("components").path("messages").forEach(m -> titles.add(m.path("title").asText()));
        for (EventType type : EventType.values()) {
            assertThat(titles).as(type.name()).contains(type.wireType());
            JsonNode schema = doc.path("components").path("schemas").path(type.recordClass().getSimpleName());
            for (var component : type.recordClass().getRecordComponents()) {
                assertThat(schema.path("properties").has(component.getName()))
                        .as(type.recordClass().getSimpleName() + "." + component.getName()).isTrue();
            }
        }
    }

    @Test
    void theUserDocumentationNamesEveryTopicAndType() throws IOException {
        String doc = Files.readString(Path.of("../docs/events.md"));
        for (String topic : Topics.ALL) {
            assertThat(doc).as("docs/events.md names " + topic).contains("`" + topic + "`");
        }
        for (EventType type : EventType.values()) {
            assertThat(doc).as("docs/events.md names " + type.wireType()).contains(type.wireType());
        }
    }
}
