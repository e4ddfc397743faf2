package dev.quayside.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    @Test
    void everyEventTypeHasASample() {
        assertThat(SampleEvents.all().stream().map(EventEnvelope::type).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(EventType.values());
    }

    @Test
    void everyEventSurvivesAJsonRoundTrip() {
        for (EventEnvelope<?> envelope : SampleEvents.all()) {
            EventEnvelope<?> back = EventCodec.fromJson(EventCodec.toJson(envelope));
            assertThat(back).as(envelope.type().name()).isEqualTo(envelope);
        }
    }

    @Test
    void theJsonIsAFullCdEvent() throws Exception {
        EventEnvelope<CommitPushed> pushed = SampleEvents.commitPushed();
        JsonNode json = EventCodec.mapper().readTree(EventCodec.toJson(pushed));
        assertThat(json.path("context").path("type").asText()).isEqualTo("dev.cdevents.change.merged.0.3.0");
        assertThat(json.path("context").path("specversion").asText()).isEqualTo("0.5.1");
        assertThat(json.path("context").path("chainId").asText()).isEqualTo(pushed.id());
        assertThat(json.path("context").path("timestamp").asText()).isEqualTo("2026-11-27T10:15:30.123Z");
        assertThat(json.path("subject").path("content").path("repository").path("id").asText()).isEqualTo("sample-app");
        assertThat(json.path("customData").path("after").asText()).isEqualTo(SampleEvents.SHA);
        assertThat(json.path("customDataContentType").asText()).isEqualTo("application/json");
    }

    @Test
    void everyEventOfAChainCarriesTheChainIdOfItsCommit() {
        String root = SampleEvents.commitPushed().id();
        assertThat(SampleEvents.all()).allSatisfy(e -> assertThat(e.chainId()).isEqualTo(root));
    }

    @Test
    void idsAreDeterministicForTheSameEffect() {
        assertThat(SampleEvents.all().stream().map(EventEnvelope::id).collect(Collectors.toList()))
                .isEqualTo(SampleEvents.all().stream().map(EventEnvelope::id).collect(Collectors.toList()))
                .doesNotHaveDuplicates();
    }

    @Test
    void unknownFieldsAreToleratedOnRead() throws Exception {
        ObjectNode json = (ObjectNode) EventCodec.mapper().readTree(EventCodec.toJson(SampleEvents.commitPushed()));
        ((ObjectNode) json.get("customData")).put("addedInAFutureVersion", 7);
        ((ObjectNode) json.get("context")).put("futureContextField", "x");
        json.put("futureTopLevel", true);
        EventEnvelope<?> back = EventCodec.fromJson(EventCodec.mapper().writeValueAsBytes(json));
        assertThat(back.data()).isEqualTo(SampleEvents.commitPushed().data());
    }

    @Test
    void badInputIsRejectedWithTheReason() {
        List<String> inputs = List.of("", "not json", "[1,2]", "{}", "{\"context\":{\"type\":\"dev.cdevents.nope.0.1.0\"}}",
                "{\"context\":{\"id\":\"1\",\"type\":\"dev.cdevents.change.merged.0.3.0\"}}",
                "{\"context\":{\"id\":\"1\",\"type\":\"dev.cdevents.build.finished.0.3.0\"},\"customData\":{\"outcome\":\"exploded\"}}",
                "{\"context\":{\"type\":\"dev.cdevents.build.queued.0.3.0\"},\"customData\":{}}");
        List<String> reasons = List.of("empty record value", "not JSON", "not a JSON object", "no CDEvent context",
                "unknown event type 'dev.cdevents.nope.0.1.0'", "without customData", "does not match its schema",
                "without context.id");
        for (int i = 0; i < inputs.size(); i++) {
            byte[] bytes = inputs.get(i).getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> EventCodec.fromJson(bytes)).as(inputs.get(i))
                    .isInstanceOf(MalformedEventException.class).hasMessageContaining(reasons.get(i));
        }
    }

    @Test
    void anEnvelopeRefusesToBeReadAsAnotherType() {
        EventEnvelope<?> pushed = SampleEvents.commitPushed();
        assertThat(pushed.as(CommitPushed.class).data().repository()).isEqualTo("sample-app");
        assertThatThrownBy(() -> pushed.as(ImageBuilt.class)).isInstanceOf(MalformedEventException.class)
                .hasMessage("expected ImageBuilt but got CommitPushed");
    }

    @Test
    void everyTypeIsOnTheTopicOfItsTable() {
        assertThat(Arrays.stream(EventType.values()).map(EventType::topic).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(Topics.EVENT_TOPICS);
    }

    @Test
    void oneAppsSyncIsKeyedByTheAppAndNamesItInItsSubject() throws Exception {
        ConfigSynced whole = new ConfigSynced("deploy-config", "main", null, "abc", List.of(), List.of(), List.of(), 1,
                false, List.of(), List.of(), ConfigSynced.Outcome.SYNCED, null);
        ConfigSynced web = whole.forApp("web", List.of("k/marathon/dev/web.json"), List.of(),
                List.of("marathon/dev/web.json"), List.of(), List.of());
        assertThat(whole.partitionKey()).isEqualTo("deploy-config/main");
        assertThat(whole.subjectId()).isEqualTo("deploy-config/main@abc");
        assertThat(web.partitionKey()).isEqualTo("web");
        assertThat(web.subjectId()).isEqualTo("deploy-config/main@abc#web");
        assertThat(web.forApp("api", List.of(), List.of(), List.of(), List.of(), List.of()).subjectId())
                .isNotEqualTo(web.subjectId());
        EventEnvelope<?> in = EventEnvelope.of(web, "/t", "id-1", "chain", java.time.Instant.parse("2026-11-27T10:00:00Z"));
        ConfigSynced back = (ConfigSynced) EventCodec.fromJson(EventCodec.toJson(in)).data();
        assertThat(back).isEqualTo(web);
        // an event from before the field: no app, keyed by the branch
        ObjectNode json = (ObjectNode) EventCodec.mapper().readTree(EventCodec.toJson(in));
        ((ObjectNode) json.get("customData")).remove("app");
        ConfigSynced old = (ConfigSynced) EventCodec.fromJson(EventCodec.mapper().writeValueAsBytes(json)).data();
        assertThat(old.app()).isNull();
        assertThat(old.partitionKey()).isEqualTo("deploy-config/main");
    }
}
