package dev.quayside.events;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every deployment event says about the applied definition.
 *
 * @param app          the app (definition file name without extension)
 * @param environment  the environment (folder in the config repo)
 * @param target       Marathon or Chronos
 * @param targetId     the Marathon app id or Chronos job name
 * @param version      the definition version Marathon reports, or null
 * @param image        the image reference of the definition
 * @param deploymentId the Marathon deployment id, or null (no change, Chronos)
 * @param durationMs   from the first request to the confirmed outcome
 */
public record Deployment(String app, String environment, DeploymentTarget target, String targetId, String version,
        String image, String deploymentId, long durationMs) {

    /** The CDEvents subject content of the service events: environment and artifact. */
    Map<String, Object> subjectContent(boolean withArtifact) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("environment", Map.of("id", environment));
        if (withArtifact) {
            content.put("artifactId", image == null || image.isEmpty() ? "unknown" : Purl.fromImageReference(image));
        }
        return content;
    }

    String subjectId() {
        return environment + "/" + app;
    }
}
