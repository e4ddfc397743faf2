package dev.quayside.imagebuilder.health;

import dev.quayside.imagebuilder.client.AnnouncedPushes;
import dev.quayside.kit.health.CompactedTopicReadiness;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the memory of announced pushes has been read to its end (before that, no push is handled: a redelivered
 * one could not be recognised), and only while the broker answers.
 */
@Readiness
@ApplicationScoped
class AnnouncedPushesReadiness implements HealthCheck {

    private final AnnouncedPushes announced;

    AnnouncedPushesReadiness(AnnouncedPushes announced) {
        this.announced = announced;
    }

    @Override
    public HealthCheckResponse call() {
        return CompactedTopicReadiness.response("image-builder-announced-pushes", announced.topic(), announced.health());
    }
}
