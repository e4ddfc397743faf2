package dev.quayside.configsyncer.messaging;

/**
 * config-syncer's incoming Kafka channels, one per topic (see {@code application.properties}); its events leave
 * through the kit's one outgoing channel ({@code EventPublisher.CHANNEL}).
 */
final class Channels {

    static final String IMAGE_BUILT = "image-built";
    static final String COMMIT_PUSHED = "commit-pushed";
    static final String DEPLOYED = "deployed";

    private Channels() {
    }
}
