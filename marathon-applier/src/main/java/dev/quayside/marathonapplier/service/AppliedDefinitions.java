package dev.quayside.marathonapplier.service;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The definition last handled per Consul key, by content: brought by a sync and applied (whatever the outcome), or
 * found in KV by the first drift pass after the start. {@link DriftReconciler} applies a definition in KV that is not
 * the one handled — KV changed and no sync said so (a {@code ConfigSynced} lost or announced as failed) — the way Flux
 * and Argo CD resync the whole desired state as a backstop to events; what runs being changed by hand is drift, reported
 * (or corrected by self-heal). Kept in memory: the first pass after a start takes KV as handled.
 */
@ApplicationScoped
public class AppliedDefinitions {

    private final Map<String, JsonNode> handled = new ConcurrentHashMap<>();
    private final Map<String, Unhandled> unhandled = new ConcurrentHashMap<>();

    private record Unhandled(JsonNode definition, Instant since) {
    }

    /** A sync (or the backstop) is applying {@code definition} at {@code key}. */
    void handling(String key, JsonNode definition) {
        handled.put(key, definition.deepCopy());
        unhandled.remove(key);
    }

    /** Applying {@code definition} was not decided (Marathon stayed unavailable): the backstop may try it again. */
    void notApplied(String key, JsonNode definition) {
        handled.remove(key, definition);
    }

    /** Takes {@code definition} as handled unless something was already handled at {@code key}. */
    void known(String key, JsonNode definition) {
        handled.putIfAbsent(key, definition.deepCopy());
    }

    /** Whether {@code definition} is what was last handled at {@code key}. */
    boolean handled(String key, JsonNode definition) {
        return definition.equals(handled.get(key));
    }

    /**
     * Whether {@code definition}, not handled, has been seen at {@code key} for at least {@code grace} (since the first
     * call that saw it): a sync that should have brought it is lost.
     */
    boolean unhandledFor(String key, JsonNode definition, Duration grace, Instant now) {
        Unhandled seen = unhandled.compute(key, (k, old) -> old != null && old.definition().equals(definition) ? old
                : new Unhandled(definition.deepCopy(), now));
        return !seen.since().plus(grace).isAfter(now);
    }
}
