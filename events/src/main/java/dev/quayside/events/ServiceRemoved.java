package dev.quayside.events;

import java.util.Map;

/** An app or job whose definition left the config repo was removed (CDEvents {@code service.removed}). */
public record ServiceRemoved(Deployment deployment) implements DeploymentEvent {

    @Override
    public Map<String, Object> subjectContent() {
        return deployment.subjectContent(false);
    }
}
