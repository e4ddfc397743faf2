package dev.quayside.imagebuilder.messaging;

/** The service's Kafka channels, one per topic (topics are set in {@code application.properties}). */
final class Channels {

    /** {@code quayside.commit-pushed}. */
    static final String COMMIT_PUSHED = "commit-pushed";
    /** {@code quayside.builds}: BuildQueued, BuildStarted, BuildFinished. */
    static final String BUILDS = "builds";
    /** {@code quayside.image-built}. */
    static final String IMAGE_BUILT = "image-built";
    /** {@code quayside.build-logs}: plain text lines keyed by build id. */
    static final String BUILD_LOGS = "build-logs";

    private Channels() {
    }
}
