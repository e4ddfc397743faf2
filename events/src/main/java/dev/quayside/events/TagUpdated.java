package dev.quayside.events;

import java.util.List;

/**
 * The config repository now pins a new image (custom type {@code quayside-tag.updated}). One event per
 * {@link ImageBuilt}, also when nothing changed, so every chain visibly ends.
 *
 * @param configRepository the config repository's configured name
 * @param branch           the config branch written to
 * @param commitWritten    the config commit that changed the files, or null when none was needed
 * @param newImage         the pinned image reference written
 * @param changes          one entry per definition file changed
 * @param outcome          what happened
 * @param reason           why nothing changed or what failed, or null
 */
public record TagUpdated(String app, String configRepository, String branch, String commitWritten, String newImage,
        List<FileChange> changes, Outcome outcome, String reason) implements PipelineEvent {

    /** One definition whose image was replaced. */
    public record FileChange(String path, String environment, String oldImage, String newImage) {
    }

    public enum Outcome {
        /** A commit was pushed. */
        UPDATED,
        /** Every referencing definition already pinned this image. */
        UNCHANGED,
        /** No definition references the image repository, or no environment's policy accepts the branch. */
        NO_MATCH,
        /** The write-back failed terminally (see reason). */
        FAILED,
        /**
         * The build's source commit is older than the one already pinned for the app and environment (it is an ancestor
         * of it, or an earlier history of the same ref): nothing was written (see reason).
         */
        SUPERSEDED
    }

    public int filesChanged() {
        return changes == null ? 0 : changes.size();
    }

    @Override
    public String subjectId() {
        return app;
    }

    @Override
    public String partitionKey() {
        return app;
    }
}
