package dev.quayside.marathonapplier.service;

import dev.quayside.events.ConfigSynced;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.PipelineEvent;
import java.time.Instant;

/**
 * What caused an apply: the {@link ConfigSynced} event (for the chain id and deterministic event ids), or nothing
 * for a drift reconcile.
 */
public record ApplyContext(EventEnvelope<ConfigSynced> cause, long receivedNanos) {

    public static final String SOURCE = "/quayside/marathon-applier";

    public static ApplyContext of(EventEnvelope<ConfigSynced> cause) {
        return new ApplyContext(cause, System.nanoTime());
    }

    public static ApplyContext drift() {
        return new ApplyContext(null, System.nanoTime());
    }

    /**
     * The one outcome of the cause for {@code key}: whatever it turns out to be (deployed, upgraded, unchanged, failed,
     * removed, suspended), its id names only the sync and the definition — never a version, which a redelivery after a
     * newer sync of the same definition finds changed — so that announcing it again is a redelivery, not a second end
     * of the chain.
     */
    public <E extends PipelineEvent> EventEnvelope<E> outcome(E event, DefinitionKey key) {
        return envelope(event, key.key(), "outcome");
    }

    /** The rollback that followed the failed outcome of the cause for {@code key}. */
    public <E extends PipelineEvent> EventEnvelope<E> rollback(E event, DefinitionKey key) {
        return envelope(event, key.key(), "rollback");
    }

    /**
     * The outcome event, in the cause's chain with an id that is the same when the same sync is redelivered, and differs
     * when another announcement of the sync (in another chain) is handled.
     */
    public <E extends PipelineEvent> EventEnvelope<E> envelope(E event, String... idParts) {
        if (cause != null) {
            // the cause's id names the sync (and, for an announcement in a write-back's chain, that chain)
            String[] parts = new String[idParts.length + 2];
            parts[0] = cause.data().configRepository() + "/" + cause.data().branch();
            parts[1] = cause.id();
            System.arraycopy(idParts, 0, parts, 2, idParts.length);
            return cause.next(event, SOURCE, Instant.now(), parts);
        }
        String id = dev.quayside.events.EventIds.of(dev.quayside.events.EventType.of(event.getClass()),
                String.join("|", idParts), String.valueOf(Instant.now().toEpochMilli()));
        return EventEnvelope.of(event, SOURCE, id, null, Instant.now());
    }
}
