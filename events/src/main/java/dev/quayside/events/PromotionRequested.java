package dev.quayside.events;

import java.util.List;

/**
 * A successful deployment asks for its promotion into the next environment of a {@code promote-from} chain (custom
 * type {@code quayside-promotion.requested}), before anything is decided: published on {@link Topics#TAG_UPDATED} in
 * the chain of that deployment, then followed in the same chain by {@link Promoted} or {@link PromotionFailed} (no
 * gate), or by {@link PromotionWaiting} (the target environment has gates).
 *
 * @param app              the app (definition file name without extension)
 * @param configRepository the config repository's configured name
 * @param branch           its write-back branch
 * @param fromEnvironment  where the image ran successfully ({@code promote-from})
 * @param toEnvironment    the environment it is to be promoted into
 * @param image            the image that ran, as deployed (digest included when pinned)
 * @param gates            the gates the target environment declares: {@code soak}, {@code approval}, {@code window};
 *                         empty when none
 * @param requestedAt      when the successful deployment asked for it (ISO-8601 instant)
 */
public record PromotionRequested(String app, String configRepository, String branch, String fromEnvironment,
        String toEnvironment, String image, List<String> gates, String requestedAt) implements PromotionEvent {
}
