package dev.quayside.events;

/** A queued build started running on the Docker engine (CDEvents {@code build.started}). */
public record BuildStarted(String buildId, String app, String repository, String commit, String branch)
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
