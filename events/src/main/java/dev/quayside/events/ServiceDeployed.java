package dev.quayside.events;

import java.util.Map;

/** A new app or job now runs as defined (CDEvents {@code service.deployed}). */
public record ServiceDeployed(Deployment deployment) implements PipelineEvent {

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
