package dev.quayside.events;

/**
 * A config-syncer event about one promotion of an app from one environment into the next ({@link PromotionRequested},
 * {@link Promoted}, {@link PromotionWaiting}, {@link PromotionApproved}, {@link PromotionFailed}): its CDEvents subject
 * is the environment promoted into and the app, its record key the app, so a promotion's events stay in order with
 * the app's deployments.
 */
public interface PromotionEvent extends PipelineEvent {

    String app();

    String toEnvironment();

    /** The environment the subject names: the one promoted into. */
    default String subjectEnvironment() {
        return toEnvironment();
    }

    @Override
    default String subjectId() {
        return subjectEnvironment() + "/" + app();
    }

    @Override
    default String partitionKey() {
        return app();
    }
}
