package dev.quayside.marathonapplier.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.kit.kafka.CompactedTopicUnavailableException;
import dev.quayside.marathonapplier.client.DefinitionLedger;
import dev.quayside.marathonapplier.client.DefinitionLedger.Mark;
import dev.quayside.marathonapplier.client.DefinitionLedger.Outcome;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The definition last handled per Consul key, by content, and how it ended: brought by a sync and applied (whatever the
 * outcome), or found in KV by the first drift pass after the start; and whether it was rolled back.
 * {@link DriftReconciler} applies a definition in KV that is not the one handled — KV changed and no sync said so (a
 * {@code ConfigSynced} lost or announced as failed) — the way Flux and Argo CD resync the whole desired state as a
 * backstop to events; what runs being changed by hand is drift, reported (or corrected by self-heal), except that
 * self-heal never re-applies a definition that was rolled back, until the definition in KV is a different one (a new
 * commit, or config-syncer's write-back of the rollback).
 *
 * <p>Durable and shared: each key's record is kept in the {@link DefinitionLedger} (a compacted Kafka topic every
 * instance reads back), so a restart or another instance still knows what was rolled back. What KV holds at the first
 * pass after a start counts as handled, unless the record says that very definition was rolled back.
 */
@ApplicationScoped
public class AppliedDefinitions {

    private final DefinitionLedger ledger;
    /** Keys a sync handled since this start: the first pass does not take KV over them. */
    private final Set<String> handledSinceStart = ConcurrentHashMap.newKeySet();
    private final Map<String, Unhandled> unhandled = new ConcurrentHashMap<>();

    private record Unhandled(JsonNode definition, Instant since) {
    }

    AppliedDefinitions(DefinitionLedger ledger) {
        this.ledger = ledger;
    }

    /** Whether the record has been read: before, no drift pass can tell what was handled or rolled back. */
    boolean ready() {
        return ledger.isCaughtUp();
    }

    /** A sync (or the backstop) is applying {@code definition} at {@code key}. */
    void handling(String key, JsonNode definition) {
        handledSinceStart.add(key);
        unhandled.remove(key);
        record(key, new Mark(DefinitionLedger.sha256(definition), Outcome.HANDLED));
    }

    /** {@code definition} (as read from {@code key}) failed and was rolled back. */
    void rolledBack(String key, JsonNode definition) {
        record(key, new Mark(DefinitionLedger.sha256(definition), Outcome.ROLLED_BACK));
    }

    /** Applying {@code definition} was not decided (Marathon stayed unavailable): the backstop may try it again. */
    void notApplied(String key, JsonNode definition) {
        if (ledger.get(key).equals(Optional.of(new Mark(DefinitionLedger.sha256(definition), Outcome.HANDLED)))) {
            try {
                ledger.forget(key);
            } catch (CompactedTopicUnavailableException e) {
                Log.warnf("could not forget %s in %s: %s", key, ledger.topic(), e.getMessage());
            }
        }
    }

    /**
     * The first pass after a start: takes {@code definition} as handled unless a sync handled something at {@code key}
     * since the start, or the record already names this definition (handled, or rolled back).
     */
    void known(String key, JsonNode definition) {
        String sha = DefinitionLedger.sha256(definition);
        if (handledSinceStart.contains(key) || ledger.get(key).map(Mark::sha256).filter(sha::equals).isPresent()) {
            return;
        }
        record(key, new Mark(sha, Outcome.HANDLED));
    }

    /** Whether {@code definition} is what was last handled at {@code key} (rolled back or not). */
    boolean handled(String key, JsonNode definition) {
        return ledger.get(key).map(Mark::sha256).filter(DefinitionLedger.sha256(definition)::equals).isPresent();
    }

    /** Whether {@code definition} is the one rolled back at {@code key}; any other definition there lifts the guard. */
    boolean wasRolledBack(String key, JsonNode definition) {
        return ledger.get(key).equals(Optional.of(
                new Mark(DefinitionLedger.sha256(definition), Outcome.ROLLED_BACK)));
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

    /** Writes a key's record; when Kafka does not take it, says so (the drift pass then sees the key as before). */
    private void record(String key, Mark mark) {
        try {
            ledger.put(key, mark);
        } catch (CompactedTopicUnavailableException e) {
            Log.warnf("could not record %s %s in %s: %s", key, mark.outcome(), ledger.topic(), e.getMessage());
        }
    }
}
