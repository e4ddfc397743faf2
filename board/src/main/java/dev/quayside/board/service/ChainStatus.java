package dev.quayside.board.service;

/** Where a chain is. Every status but {@link #RUNNING} is final (a later event may still change it). */
public enum ChainStatus {
    /** Stages are still to come. */
    RUNNING("running", false),
    /** Every deployment the chain caused succeeded. */
    LIVE("live", true),
    /** A stage failed: see the reason. */
    FAILED("failed", false),
    /** The app is suspended in an environment the chain changed: not applied there until resumed. */
    SUSPENDED("suspended", false),
    /** A newer commit's build replaced this one's. */
    SUPERSEDED("superseded", false),
    /** The config repository already pinned this image: nothing to deploy. */
    UNCHANGED("unchanged", true),
    /** A config-repository push mirrored into Consul that changed no definition. */
    SYNCED("synced", true),
    /** The push deleted a branch or tag: nothing follows. */
    DELETED("deleted", true);

    private final String wire;
    private final boolean success;

    ChainStatus(String wire, boolean success) {
        this.wire = wire;
        this.success = success;
    }

    public String wire() {
        return wire;
    }

    /** A final status that counts as having worked. */
    public boolean success() {
        return success;
    }
}
