package dev.quayside.events;

import java.util.List;

/**
 * The config repository's branch is mirrored into Consul KV (custom type {@code quayside-config.synced}).
 *
 * @param fromCommit   the last synced commit before, or null on a first sync
 * @param toCommit     the commit now mirrored
 * @param keysPut      Consul keys written
 * @param keysDeleted  Consul keys (or trees, with a trailing slash) deleted
 * @param filesChanged repository paths that changed
 * @param consulIndex  Consul's index after the last write; readers wait for at least this index
 * @param fullResync   true when every file was written (no ref, or a force push)
 * @param invalidFiles files mirrored as text but flagged (e.g. a definition that is not valid JSON)
 * @param skipped      paths not mirrored, with the reason (e.g. an illegal Consul key)
 * @param outcome      what happened
 * @param reason       why the sync failed, or null
 */
public record ConfigSynced(String configRepository, String branch, String fromCommit, String toCommit,
        List<String> keysPut, List<String> keysDeleted, List<String> filesChanged, long consulIndex,
        boolean fullResync, List<FileProblem> invalidFiles, List<FileProblem> skipped, Outcome outcome,
        String reason) implements PipelineEvent {

    /** A file that was flagged or skipped, and why. */
    public record FileProblem(String path, String reason) {
    }

    public enum Outcome {
        SYNCED, FAILED
    }

    @Override
    public String subjectId() {
        return configRepository + "/" + branch + "@" + toCommit;
    }

    @Override
    public String partitionKey() {
        return configRepository + "/" + branch;
    }
}
