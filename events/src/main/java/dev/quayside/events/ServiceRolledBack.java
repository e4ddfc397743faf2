package dev.quayside.events;

import java.util.Map;

/** A failed deployment was rolled back to the previous version (CDEvents {@code service.rolledback}). */
public record ServiceRolledBack(Deployment deployment, String toVersion, String reason) implements PipelineEvent {

    @Override
    public String subjectId() {
        return deployment.subjectId();
    }

    @Override
    public Map<String, Object> subjectContent() {
        return deployment.subjectContent(true);
    }

    @Override
    public String partitionKey() {
        return deployment.app();
    }
}
