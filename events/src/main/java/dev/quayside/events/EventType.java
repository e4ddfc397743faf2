package dev.quayside.events;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every event Quayside publishes: its CloudEvents/CDEvents type, its topic and its record class.
 * The wire type is stable; a change of meaning is a new type version, never an edit.
 */
public enum EventType {
    COMMIT_PUSHED("dev.cdevents.change.merged.0.3.0", Topics.COMMIT_PUSHED, CommitPushed.class),
    BUILD_QUEUED("dev.cdevents.build.queued.0.3.0", Topics.BUILDS, BuildQueued.class),
    BUILD_STARTED("dev.cdevents.build.started.0.3.0", Topics.BUILDS, BuildStarted.class),
    BUILD_FINISHED("dev.cdevents.build.finished.0.3.0", Topics.BUILDS, BuildFinished.class),
    IMAGE_BUILT("dev.cdevents.artifact.published.0.3.0", Topics.IMAGE_BUILT, ImageBuilt.class),
    TAG_UPDATED("dev.cdeventsx.quayside-tag.updated.0.1.0", Topics.TAG_UPDATED, TagUpdated.class),
    CONFIG_SYNCED("dev.cdeventsx.quayside-config.synced.0.1.0", Topics.CONFIG_SYNCED, ConfigSynced.class),
    PROMOTED("dev.cdeventsx.quayside-promotion.promoted.0.1.0", Topics.TAG_UPDATED, Promoted.class),
    PROMOTION_FAILED("dev.cdeventsx.quayside-promotion.failed.0.1.0", Topics.TAG_UPDATED, PromotionFailed.class),
    PROMOTION_WAITING("dev.cdeventsx.quayside-promotion.waiting.0.1.0", Topics.TAG_UPDATED, PromotionWaiting.class),
    PROMOTION_REQUESTED("dev.cdeventsx.quayside-promotion.requested.0.1.0", Topics.TAG_UPDATED,
            PromotionRequested.class),
    PROMOTION_APPROVED("dev.cdeventsx.quayside-promotion.approved.0.1.0", Topics.TAG_UPDATED,
            PromotionApproved.class),
    SERVICE_DEPLOYED("dev.cdevents.service.deployed.0.3.0", Topics.DEPLOYED, ServiceDeployed.class),
    SERVICE_UPGRADED("dev.cdevents.service.upgraded.0.3.0", Topics.DEPLOYED, ServiceUpgraded.class),
    SERVICE_ROLLED_BACK("dev.cdevents.service.rolledback.0.3.0", Topics.DEPLOYED, ServiceRolledBack.class),
    SERVICE_REMOVED("dev.cdevents.service.removed.0.3.0", Topics.DEPLOYED, ServiceRemoved.class),
    DEPLOYMENT_FAILED("dev.cdeventsx.quayside-deployment.failed.0.1.0", Topics.DEPLOYED, DeploymentFailed.class),
    CONTAINER_STARTED("dev.cdeventsx.quayside-container.started.0.1.0", Topics.CONTAINER_STARTED, ContainerStarted.class),
    CONTAINER_STOPPED("dev.cdeventsx.quayside-container.stopped.0.1.0", Topics.CONTAINER_STARTED, ContainerStopped.class),
    ROUTES_UPDATED("dev.cdeventsx.quayside-routes.updated.0.1.0", Topics.ROUTES_UPDATED, RoutesUpdated.class);

    private final String wireType;
    private final String topic;
    private final Class<? extends PipelineEvent> recordClass;

    EventType(String wireType, String topic, Class<? extends PipelineEvent> recordClass) {
        this.wireType = wireType;
        this.topic = topic;
        this.recordClass = recordClass;
    }

    /** The CloudEvents {@code type} and CDEvents {@code context.type}. */
    public String wireType() {
        return wireType;
    }

    public String topic() {
        return topic;
    }

    public Class<? extends PipelineEvent> recordClass() {
        return recordClass;
    }

    /** True for the standard CDEvents types (validated against the published schemas), false for Quayside's custom ones. */
    public boolean isStandardCdEvent() {
        return wireType.startsWith("dev.cdevents.");
    }

    public static Optional<EventType> fromWireType(String wireType) {
        return Arrays.stream(values()).filter(t -> t.wireType.equals(wireType)).findFirst();
    }

    public static EventType of(Class<? extends PipelineEvent> recordClass) {
        return Arrays.stream(values()).filter(t -> t.recordClass.equals(recordClass)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a Quayside event: " + recordClass.getName()));
    }
}
