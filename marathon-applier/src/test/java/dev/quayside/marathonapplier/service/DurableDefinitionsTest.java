package dev.quayside.marathonapplier.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.devstack.kafka.KafkaBrokerExtension;
import dev.quayside.events.EventCodec;
import dev.quayside.kit.kafka.CompactedTopicMap;
import dev.quayside.kit.kafka.CompactedTopicMaps;
import dev.quayside.marathonapplier.client.DefinitionLedger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The record of handled and rolled-back definitions against the real broker: it survives a restart (a new object over
 * the same topic, as a restarted process has), another instance sees it, the first pass's start-up semantics hold, and
 * a record that cannot be read is ignored.
 */
@ExtendWith(KafkaBrokerExtension.class)
class DurableDefinitionsTest {

    static final String KEY = "quayside/config/deploy/main/marathon/staging/web.json";

    private final String topic = "quayside.marathon-applier.definitions-test-" + UUID.randomUUID();
    private final List<DefinitionLedger> ledgers = new ArrayList<>();

    @AfterEach
    void close() {
        ledgers.forEach(DefinitionLedger::close);
    }

    @Test
    void aRestartedInstanceStillRefusesARolledBackDefinition(String bootstrapServers) throws Exception {
        JsonNode failing = definition("web:2");
        AppliedDefinitions first = start(bootstrapServers);
        AppliedDefinitions other = start(bootstrapServers);
        first.handling(KEY, failing);
        first.rolledBack(KEY, failing);
        await().atMost(Duration.ofSeconds(10)).until(() -> other.wasRolledBack(KEY, failing));
        ledgers.get(0).close(); // the first instance is gone

        AppliedDefinitions restarted = start(bootstrapServers);
        restarted.known(KEY, failing); // its first drift pass finds the rolled-back definition still in KV
        assertThat(restarted.wasRolledBack(KEY, failing)).as("the restarted instance's guard").isTrue();
        assertThat(restarted.handled(KEY, failing)).isTrue();
        assertThat(restarted.wasRolledBack(KEY, definition("web:3"))).as("another definition lifts it").isFalse();
        assertThat(start(bootstrapServers).wasRolledBack(KEY, failing)).as("and after one more restart").isTrue();
    }

    @Test
    void whatKvHoldsAtTheFirstPassCountsAsHandledUnlessThatDefinitionWasRolledBack(String bootstrapServers)
            throws Exception {
        String other = KEY.replace("web", "api");
        AppliedDefinitions before = start(bootstrapServers);
        before.handling(KEY, definition("web:1"));
        before.rolledBack(KEY, definition("web:1"));
        before.handling(other, definition("api:1"));

        AppliedDefinitions restarted = start(bootstrapServers);
        restarted.known(KEY, definition("web:2")); // a new commit replaced the rolled-back one while it was down
        restarted.known(other, definition("api:2"));
        assertThat(restarted.handled(KEY, definition("web:2"))).isTrue();
        assertThat(restarted.wasRolledBack(KEY, definition("web:2"))).isFalse();
        assertThat(restarted.handled(other, definition("api:2"))).isTrue();
        assertThat(restarted.handled(other, definition("api:1"))).isFalse();

        // a sync handled the key since the start: the first pass does not take KV over it
        restarted.handling(other, definition("api:3"));
        restarted.known(other, definition("api:2"));
        assertThat(restarted.handled(other, definition("api:3"))).isTrue();
        // Marathon stayed unavailable: the key is forgotten, so the backstop may try again
        restarted.notApplied(other, definition("api:3"));
        assertThat(restarted.handled(other, definition("api:3"))).isFalse();
    }

    @Test
    void aRecordThatCannotBeReadIsLoggedAndIgnored(String bootstrapServers) throws Exception {
        JsonNode failing = definition("web:2");
        AppliedDefinitions writer = start(bootstrapServers);
        writer.rolledBack(KEY, failing);
        try (CompactedTopicMap raw = CompactedTopicMaps.of(Map.of("bootstrap.servers", bootstrapServers))
                .open(CompactedTopicMap.Options.of(topic), null)) {
            raw.putAndAwait(KEY, KEY, "not json {");
            raw.putAndAwait("a", "a", "{\"sha256\":\"abc\",\"outcome\":\"rolled-back\"}");
            raw.putAndAwait("b", "b", "{\"sha256\":\"" + DefinitionLedger.sha256(failing) + "\",\"outcome\":\"gone\"}");
            raw.putAndAwait("c", "c", "[]");
        }

        AppliedDefinitions reader = start(bootstrapServers);
        assertThat(ledgers.get(ledgers.size() - 1).health().ready()).as("the reader is healthy").isTrue();
        assertThat(reader.wasRolledBack(KEY, failing)).as("the readable record before it holds").isTrue();
        for (String key : List.of("a", "b", "c")) {
            assertThat(reader.handled(key, failing)).as(key).isFalse();
        }
        // the reader goes on: a later record is read
        writer.rolledBack("c", failing);
        await().atMost(Duration.ofSeconds(10)).until(() -> reader.wasRolledBack("c", failing));
    }

    private AppliedDefinitions start(String bootstrapServers) {
        CompactedTopicMaps maps = CompactedTopicMaps.of(Map.of("bootstrap.servers", bootstrapServers));
        DefinitionLedger ledger = new DefinitionLedger(maps,
                new DefinitionLedger.Settings(topic, 3, (short) 1, Duration.ofSeconds(10)));
        ledgers.add(ledger);
        AppliedDefinitions applied = new AppliedDefinitions(ledger);
        await().atMost(Duration.ofSeconds(30)).until(applied::ready);
        return applied;
    }

    private static JsonNode definition(String image) throws Exception {
        return EventCodec.mapper().readTree("{\"id\":\"/staging/web\",\"instances\":1,"
                + "\"container\":{\"type\":\"DOCKER\",\"docker\":{\"image\":\"" + image + "\"}}}");
    }
}
