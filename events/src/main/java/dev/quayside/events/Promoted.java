package dev.quayside.events;

import java.util.List;

/**
 * What ran successfully in one environment is now pinned in the next one of the chain (custom type
 * {@code quayside-promotion.promoted}): config-syncer wrote one config commit that pins, in {@code toEnvironment}'s
 * definitions of the app, exactly the image reference (with its digest) that ran in {@code fromEnvironment}. Published
 * on {@link Topics#TAG_UPDATED} in the chain whose deployment in {@code fromEnvironment} succeeded; the commit's sync
 * and its deployment in {@code toEnvironment} run in a chain of their own, whose id is {@code chain} (this event's id).
 *
 * @param app              the app (definition file name without extension)
 * @param configRepository the config repository's configured name
 * @param branch           the config branch written to
 * @param fromEnvironment  where the image ran successfully ({@code promote-from})
 * @param toEnvironment    the environment it was pinned in
 * @param image            the pinned image reference, digest included
 * @param configCommit     the promotion's config commit
 * @param source           the source build, {@code <repository>@<commit>} (the commit's {@code Quayside-Source}
 *                         trailer), or null when not known
 * @param files            the definitions the commit changed
 * @param chain            the chain the promotion's sync and deployment run in (this event's id)
 */
public record Promoted(String app, String configRepository, String branch, String fromEnvironment,
        String toEnvironment, String image, String configCommit, String source, List<String> files, String chain)
        implements PromotionEvent {
}
