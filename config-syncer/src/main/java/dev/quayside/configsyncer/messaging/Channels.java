package dev.quayside.configsyncer.messaging;

/** config-syncer's Kafka channels, one per topic (see {@code application.properties}). */
final class Channels {

    static final String IMAGE_BUILT = "image-built";
    static final String COMMIT_PUSHED = "commit-pushed";
    static final String TAG_UPDATED = "tag-updated";
    static final String CONFIG_SYNCED = "config-synced";

    private Channels() {
    }
}
