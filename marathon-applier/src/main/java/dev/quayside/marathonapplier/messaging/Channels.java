package dev.quayside.marathonapplier.messaging;

/**
 * marathon-applier's incoming channel; its outcome events leave through the kit's one outgoing channel
 * ({@code EventPublisher.CHANNEL}) to {@code quayside.deployed}.
 */
final class Channels {

    /** {@code quayside.config-synced}. */
    static final String CONFIG_SYNCED = "config-synced";

    private Channels() {
    }
}
