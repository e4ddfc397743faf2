package dev.quayside.events;

import java.util.Map;

/** An existing app or job now runs a new definition (CDEvents {@code service.upgraded}). {@code unchanged} is true when the definition already ran and nothing was redeployed. */
public record ServiceUpgraded(Deployment deployment, boolean unchanged) implements PipelineEvent {

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
