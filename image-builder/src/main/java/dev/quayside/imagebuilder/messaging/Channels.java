package dev.quayside.imagebuilder.messaging;

/**
 * The service's own Kafka channels (topics are set in {@code application.properties}); its events
 * ({@code quayside.builds}, {@code quayside.image-built}) go out through the kit's one channel,
 * {@value dev.quayside.kit.messaging.EventPublisher#CHANNEL}.
 */
final class Channels {

    /** {@code quayside.commit-pushed}. */
    static final String COMMIT_PUSHED = "commit-pushed";
    /** {@code quayside.build-logs}: plain text lines keyed by build id. */
    static final String BUILD_LOGS = "build-logs";

    private Channels() {
    }
}
