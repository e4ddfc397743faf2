package dev.quayside.gitwatcher.service.push;

import dev.quayside.events.CommitPushed.RefChange;

/**
 * What became of one ref update.
 *
 * @param status  emitted, duplicate or skipped
 * @param ref     the ref
 * @param after   its new commit
 * @param change  what the push did, or null when the ref is neither a branch nor a tag
 * @param eventId the event's id (emitted or duplicate), or null
 * @param reason  why it was skipped or counted as a duplicate
 */
public record PushOutcome(Status status, String ref, String after, RefChange change, String eventId, String reason) {

    /** The fate of a ref update. */
    public enum Status {
        EMITTED, DUPLICATE, SKIPPED
    }
}
