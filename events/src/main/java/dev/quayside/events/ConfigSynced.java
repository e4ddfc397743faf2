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
 * @param app          the app whose definitions (every environment and target) this announcement lists, alone: a sync
 *                     that changed several apps' definitions is announced once per app, keyed by the app; null for the
 *                     announcement of everything else (a sync that changed no app's definition, its other files, or a
 *                     FAILED sync), keyed by {@code configRepository/branch}
 */
public record ConfigSynced(String configRepository, String branch, String fromCommit, String toCommit,
        List<String> keysPut, List<String> keysDeleted, List<String> filesChanged, long consulIndex,
        boolean fullResync, List<FileProblem> invalidFiles, List<FileProblem> skipped, Outcome outcome,
        String reason, String app) implements PipelineEvent {

    /** A sync announced whole, for no one app (the form before the per-app announcements). */
    public ConfigSynced(String configRepository, String branch, String fromCommit, String toCommit,
            List<String> keysPut, List<String> keysDeleted, List<String> filesChanged, long consulIndex,
            boolean fullResync, List<FileProblem> invalidFiles, List<FileProblem> skipped, Outcome outcome,
            String reason) {
        this(configRepository, branch, fromCommit, toCommit, keysPut, keysDeleted, filesChanged, consulIndex,
                fullResync, invalidFiles, skipped, outcome, reason, null);
    }

    /** This sync's announcement for {@code app}, listing only what is given here. */
    public ConfigSynced forApp(String app, List<String> keysPut, List<String> keysDeleted, List<String> filesChanged,
            List<FileProblem> invalidFiles, List<FileProblem> skipped) {
        return new ConfigSynced(configRepository, branch, fromCommit, toCommit, keysPut, keysDeleted, filesChanged,
                consulIndex, fullResync, invalidFiles, skipped, outcome, reason, app);
    }

    /** A file that was flagged or skipped, and why. */
    public record FileProblem(String path, String reason) {
    }

    public enum Outcome {
        SYNCED, FAILED
    }

    /**
     * One line for people: {@code [<app>: ]<repo>/<branch>@<short commit> <outcome> → Consul (<n> put, <m> deleted)},
     * the app first for one app's announcement (lists of events are read by app).
     */
    public String summary() {
        return (app == null ? "" : app + ": ") + configRepository + "/" + branch + "@"
                + (toCommit == null ? "?" : toCommit.substring(0, Math.min(7, toCommit.length()))) + " " + outcome
                + " → Consul ("
                + (keysPut == null ? 0 : keysPut.size()) + " put, " + (keysDeleted == null ? 0 : keysDeleted.size())
                + " deleted)";
    }

    /** {@code <repo>/<branch>@<commit>}, and {@code #<app>} after it for one app's announcement. */
    @Override
    public String subjectId() {
        return configRepository + "/" + branch + "@" + toCommit + (app == null ? "" : "#" + app);
    }

    /**
     * The app for one app's announcement (so that different apps spread over partitions and one app's syncs stay in
     * order, like {@code image-built} and {@code deployed}), else {@code <repo>/<branch>}.
     */
    @Override
    public String partitionKey() {
        return app != null ? app : configRepository + "/" + branch;
    }
}
