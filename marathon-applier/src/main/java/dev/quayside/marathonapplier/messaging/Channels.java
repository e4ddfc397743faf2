package dev.quayside.marathonapplier.messaging;

/** marathon-applier's channels: one per topic. */
final class Channels {

    /** {@code quayside.config-synced}. */
    static final String CONFIG_SYNCED = "config-synced";
    /** {@code quayside.deployed}. */
    static final String DEPLOYED = "deployed";

    private Channels() {
    }
}
