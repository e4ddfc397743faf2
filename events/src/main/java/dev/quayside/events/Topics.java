package dev.quayside.events;

import java.util.List;

/**
 * Kafka topic names: a public contract with other teams. Change one only by adding a new topic.
 */
public final class Topics {

    /** {@link CommitPushed}, keyed by repository name. */
    public static final String COMMIT_PUSHED = "quayside.commit-pushed";
    /** {@link BuildQueued}, {@link BuildStarted}, {@link BuildFinished}, keyed by app. */
    public static final String BUILDS = "quayside.builds";
    /** {@link ImageBuilt}, keyed by app. */
    public static final String IMAGE_BUILT = "quayside.image-built";
    /** {@link TagUpdated}, {@link Promoted}, {@link PromotionFailed}: what the config repository pins; keyed by app. */
    public static final String TAG_UPDATED = "quayside.tag-updated";
    /** {@link ConfigSynced}, keyed by app (one app's announcement) or by config repository and branch (the rest). */
    public static final String CONFIG_SYNCED = "quayside.config-synced";
    /** {@link ServiceDeployed}, {@link ServiceUpgraded}, {@link ServiceRolledBack}, {@link ServiceRemoved}, {@link DeploymentFailed}, keyed by app id. */
    public static final String DEPLOYED = "quayside.deployed";
    /** {@link ContainerStarted}, {@link ContainerStopped}, keyed by service id. */
    public static final String CONTAINER_STARTED = "quayside.container-started";
    /** {@link RoutesUpdated}, keyed by edge-router instance. */
    public static final String ROUTES_UPDATED = "quayside.routes-updated";
    /** Plain-text build log lines (not CloudEvents), keyed by build id. */
    public static final String BUILD_LOGS = "quayside.build-logs";

    /** Every topic that carries CloudEvents. */
    public static final List<String> EVENT_TOPICS = List.of(COMMIT_PUSHED, BUILDS, IMAGE_BUILT, TAG_UPDATED,
            CONFIG_SYNCED, DEPLOYED, CONTAINER_STARTED, ROUTES_UPDATED);

    /** Every topic, including the plain-text log topic. */
    public static final List<String> ALL = List.of(COMMIT_PUSHED, BUILDS, IMAGE_BUILT, TAG_UPDATED,
            CONFIG_SYNCED, DEPLOYED, CONTAINER_STARTED, ROUTES_UPDATED, BUILD_LOGS);

    private Topics() {
    }

    /** The dead-letter topic of one consuming service, e.g. {@code quayside.image-builder.dlq}. */
    public static String deadLetter(String service) {
        return "quayside." + service + ".dlq";
    }
}
