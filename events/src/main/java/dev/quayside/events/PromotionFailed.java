package dev.quayside.events;

/**
 * What ran successfully in one environment was not promoted into the next one of the chain (custom type
 * {@code quayside-promotion.failed}): nothing was written for {@code toEnvironment}, and {@code reason} says why.
 * Published on {@link Topics#TAG_UPDATED} in the chain whose deployment in {@code fromEnvironment} succeeded (for a
 * gated promotion that waited, {@link PromotionWaiting}, in that same chain).
 *
 * @param app              the app (definition file name without extension)
 * @param configRepository the config repository's configured name
 * @param branch           its write-back branch
 * @param fromEnvironment  where the image ran successfully
 * @param toEnvironment    the environment it was not promoted into, or null when the chain could not be read
 *                         ({@link Reason#INVALID_POLICY})
 * @param image            the image that ran in {@code fromEnvironment}
 * @param reason           why, as a category
 * @param message          why, in one line
 */
public record PromotionFailed(String app, String configRepository, String branch, String fromEnvironment,
        String toEnvironment, String image, Reason reason, String message) implements PromotionEvent {

    /** The environment promoted into, or the one promoted from when the chain could not be read. */
    @Override
    public String subjectEnvironment() {
        return toEnvironment == null ? fromEnvironment : toEnvironment;
    }

    /** Why a promotion was not written. */
    public enum Reason {
        /** {@code toEnvironment} has no definition of the app. */
        NO_DEFINITION,
        /** The app is suspended in {@code toEnvironment}. */
        SUSPENDED,
        /** The image is older than what {@code toEnvironment} pins (its source commit is an ancestor). */
        OLDER,
        /** {@code toEnvironment}'s definition was pinned to this build before and changed since (rolled back, edited). */
        CHANGED_SINCE,
        /** {@code fromEnvironment}'s definition pins another image now: the deployed one is not promoted. */
        SOURCE_MOVED_ON,
        /** The image is not pinned by digest: promoting it could run another image than the one that passed. */
        NOT_PINNED,
        /** The build cannot be ordered against what {@code toEnvironment} pins (no source recorded, unreachable). */
        UNORDERABLE,
        /** A definition of {@code toEnvironment} is not valid JSON or has no image. */
        INVALID_DEFINITION,
        /** {@code quayside.yml} does not parse. */
        INVALID_POLICY,
        /** Writing the commit failed (the branch kept moving, Git unreachable after retries). */
        WRITE_FAILED,
        /**
         * A gated promotion was waiting ({@link PromotionWaiting}) when a newer successful deployment of the app in
         * {@code fromEnvironment} replaced it: the newer one waits instead.
         */
        SUPERSEDED,
        /** A gated promotion was waiting when the image failed in {@code fromEnvironment} (rolled back, unhealthy). */
        SOAK_FAILED,
        /** An operator rejected the waiting promotion ({@code message} says who and why, when given). */
        REJECTED
    }
}
