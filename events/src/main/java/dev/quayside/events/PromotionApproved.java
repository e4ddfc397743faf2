package dev.quayside.events;

import java.util.List;

/**
 * An operator approved a promotion waiting at its gates (custom type {@code quayside-promotion.approved}): the
 * {@code approval} gate of a {@link PromotionWaiting} is met. Published on {@link Topics#TAG_UPDATED} in the chain
 * whose deployment in {@code fromEnvironment} succeeded, before the {@link Promoted} it may lead to; when other gates
 * still wait ({@code gates}: a soak time, a deployment window), the promotion is written once they are met too.
 *
 * @param app              the app (definition file name without extension)
 * @param configRepository the config repository's configured name
 * @param branch           its write-back branch
 * @param fromEnvironment  where the image ran successfully ({@code promote-from})
 * @param toEnvironment    the environment it is to be promoted into
 * @param image            the image approved, digest included
 * @param approvedBy       who approved (as the operator said), or null
 * @param gates            the gates still open after the approval: {@code soak} and/or {@code window}; empty when
 *                         nothing else waits
 * @param requestedAt      when the successful deployment asked for the promotion (ISO-8601 instant)
 */
public record PromotionApproved(String app, String configRepository, String branch, String fromEnvironment,
        String toEnvironment, String image, String approvedBy, List<String> gates, String requestedAt)
        implements PromotionEvent {
}
