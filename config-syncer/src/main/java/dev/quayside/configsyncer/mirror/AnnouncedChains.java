package dev.quayside.configsyncer.mirror;

import java.util.ArrayList;
import java.util.List;

/**
 * The chains whose definitions a branch's mirror has announced, newest last, kept at
 * {@code [mountpoint/][repo/]<branch>.chains} beside the branch's {@link SyncRecord}. The sync record names only the
 * last sync's chain; this list is what tells a redelivered event of an earlier chain (its sync announced, then
 * replaced by later syncs) that there is nothing left to announce for it. Bounded: a redelivery comes from the
 * records a consumer had not yet committed, a few hundred at most.
 *
 * @param chains chain ids, oldest first
 */
record AnnouncedChains(List<String> chains) {

    /** How many chains are remembered per branch. */
    static final int LIMIT = 512;

    static final AnnouncedChains NONE = new AnnouncedChains(List.of());

    AnnouncedChains {
        chains = chains == null ? List.of() : List.copyOf(chains);
    }

    /** The list in {@code json}, or none when there is no list or it is not one. */
    static AnnouncedChains parse(String json) {
        AnnouncedChains read = KvJson.read(json, AnnouncedChains.class);
        return read == null ? NONE : read;
    }

    boolean contains(String chainId) {
        return chains.contains(chainId);
    }

    /** This list with {@code chainId} added as the newest, the oldest dropped beyond {@link #LIMIT}. */
    AnnouncedChains with(String chainId) {
        List<String> next = new ArrayList<>(chains);
        next.remove(chainId);
        next.add(chainId);
        return new AnnouncedChains(next.subList(Math.max(0, next.size() - LIMIT), next.size()));
    }

    byte[] toJson() {
        return KvJson.write(this);
    }
}
