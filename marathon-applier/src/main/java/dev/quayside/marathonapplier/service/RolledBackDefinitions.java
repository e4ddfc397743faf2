package dev.quayside.marathonapplier.service;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The definitions marathon-applier rolled back, per Consul key, by content: {@link DriftReconciler}'s self-heal never
 * re-applies one of them, until the definition in KV is a different one (a new commit, or config-syncer's write-back
 * of the rollback). Kept in memory: after a restart a rolled-back definition still in KV may be applied once more by
 * self-heal, fail and be rolled back again, which records it again.
 */
@ApplicationScoped
public class RolledBackDefinitions {

    private final Map<String, JsonNode> rolledBack = new ConcurrentHashMap<>();

    /** {@code definition} (as read from {@code key}) failed and was rolled back. */
    void rolledBack(String key, JsonNode definition) {
        rolledBack.put(key, definition.deepCopy());
    }

    /**
     * Whether {@code definition} is the one rolled back at {@code key}; a different definition at the key lifts the
     * guard for good.
     */
    boolean holds(String key, JsonNode definition) {
        JsonNode failed = rolledBack.get(key);
        if (failed == null) {
            return false;
        }
        if (failed.equals(definition)) {
            return true;
        }
        rolledBack.remove(key, failed);
        return false;
    }
}
