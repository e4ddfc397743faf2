package dev.quayside.events;

/** A commit of an app repository was queued for an image build (CDEvents {@code build.queued}). */
public record BuildQueued(String buildId, String app, String repository, String commit, String branch)
        implements PipelineEvent {

    @Override
    public String subjectId() {
        return buildId;
    }

    @Override
    public String partitionKey() {
        return app;
    }
}
