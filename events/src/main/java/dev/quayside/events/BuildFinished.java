package dev.quayside.events;

import java.util.List;
import java.util.Map;

/**
 * A build ended (CDEvents {@code build.finished}), whatever its outcome.
 *
 * @param artifactId the image's PURL when the outcome produced or found one, else null
 * @param durationMs wall time from start to end
 * @param reason     why it did not succeed, or null
 * @param logTail    the last lines of the build log (at most 50)
 */
public record BuildFinished(String buildId, String app, String repository, String commit, String branch,
        BuildOutcome outcome, long durationMs, String reason, List<String> logTail, String artifactId)
        implements PipelineEvent {

    @Override
    public String subjectId() {
        return buildId;
    }

    @Override
    public Map<String, Object> subjectContent() {
        return artifactId == null ? Map.of() : Map.of("artifactId", artifactId);
    }

    @Override
    public String partitionKey() {
        return app;
    }
}
