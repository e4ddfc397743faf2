package dev.quayside.gitwatcher.client;

import java.util.function.Supplier;

/**
 * What a ref update is, as {@link DeliveryLog.Steps#plan} decides it.
 *
 * @param skipped   why it produces no event, or null
 * @param duplicate why it is already announced (by another push), or null
 * @param push      its de-duplication key (repository, ref, new head …)
 * @param eventId   the id its event has (for a duplicate: the event that announced it)
 * @param prepare   readies the event (e.g. fetches the commits; only for a push not emitted yet) and returns what
 *                  publishes it, returning once Kafka has it
 */
public record RefUpdatePlan(String skipped, String duplicate, String push, String eventId, Supplier<Runnable> prepare) {

    public static RefUpdatePlan skip(String reason) {
        return new RefUpdatePlan(reason, null, null, null, null);
    }

    /** An update already announced by the push whose event is {@code eventId}. */
    public static RefUpdatePlan duplicate(String eventId, String reason) {
        return new RefUpdatePlan(null, reason, null, eventId, null);
    }

    public static RefUpdatePlan announce(String push, String eventId, Supplier<Runnable> prepare) {
        return new RefUpdatePlan(null, null, push, eventId, prepare);
    }
}
