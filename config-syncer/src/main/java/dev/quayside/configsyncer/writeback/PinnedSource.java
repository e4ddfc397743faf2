package dev.quayside.configsyncer.writeback;

import dev.quayside.configsyncer.mirror.KvJson;

/**
 * Which build was last pinned for an app in an environment, kept beside its image key at
 * {@code <image-sources-prefix>/<app>/<environment>} (default {@code quayside/image-sources/...}) and written in the
 * same Consul transaction: the check that a newer build never loses to an older one is one read of
 * {@code <prefix>/<app>/}.
 *
 * @param repository the source repository the build came from
 * @param ref        its full ref ({@code refs/heads/main}, {@code refs/tags/v1.2.0})
 * @param commit     the source commit
 * @param image      the pinned image reference
 */
public record PinnedSource(String repository, String ref, String commit, String image) {

    public byte[] toJson() {
        return KvJson.write(this);
    }

    /** The record in {@code json}, or null when it is not one. */
    public static PinnedSource parse(String json) {
        PinnedSource pinned = KvJson.read(json, PinnedSource.class);
        return pinned == null || pinned.commit() == null ? null : pinned;
    }
}
