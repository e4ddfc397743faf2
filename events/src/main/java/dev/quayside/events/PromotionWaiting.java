package dev.quayside.events;

import java.util.List;

/**
 * What ran successfully in one environment waits at a gate before it is promoted into the next one of the chain
 * (custom type {@code quayside-promotion.waiting}): {@code toEnvironment}'s {@code quayside.yml} policy asks for a
 * manual approval ({@code approval: required}), a soak time ({@code soak: <duration>}) and/or deployment windows
 * ({@code windows: [{schedule, duration, time-zone}]}), so config-syncer recorded
 * a pending promotion instead of writing the commit. Published on {@link Topics#TAG_UPDATED} in the chain whose
 * deployment in {@code fromEnvironment} succeeded; once every gate is met the same chain gets {@link Promoted}, or
 * {@link PromotionFailed} ({@code REJECTED}, {@code SUPERSEDED}, {@code SOAK_FAILED}) when it never will be.
 *
 * @param app              the app (definition file name without extension)
 * @param configRepository the config repository's configured name
 * @param branch           its write-back branch
 * @param fromEnvironment  where the image ran successfully ({@code promote-from})
 * @param toEnvironment    the environment it waits to be promoted into
 * @param image            the image that ran in {@code fromEnvironment}, digest included
 * @param gates            the gates still open: {@code soak}, {@code approval} and/or {@code window}
 * @param soakUntil        when the soak time ends (ISO-8601 instant), or null when the environment has no soak
 * @param approvalRequired whether an operator's approval is needed
 * @param requestedAt      when the successful deployment asked for the promotion (ISO-8601 instant)
 */
public record PromotionWaiting(String app, String configRepository, String branch, String fromEnvironment,
        String toEnvironment, String image, List<String> gates, String soakUntil, boolean approvalRequired,
        String requestedAt) implements PromotionEvent {

    /** The gate names {@link #gates} uses. */
    public static final String SOAK = "soak";
    public static final String APPROVAL = "approval";
    /** Outside every deployment window of {@code toEnvironment} ({@code windows:} in {@code quayside.yml}). */
    public static final String WINDOW = "window";
}
