package dev.quayside.events;

import java.util.Map;

/**
 * A marathon-applier outcome about one {@link Deployment}: its CDEvents subject is the environment and the app, its
 * content the environment and the artifact, its record key the app.
 */
public interface DeploymentEvent extends PipelineEvent {

    Deployment deployment();

    @Override
    default String subjectId() {
        return deployment().subjectId();
    }

    @Override
    default Map<String, Object> subjectContent() {
        return deployment().subjectContent(true);
    }

    @Override
    default String partitionKey() {
        return deployment().app();
    }
}
