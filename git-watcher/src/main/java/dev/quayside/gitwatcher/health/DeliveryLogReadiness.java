package dev.quayside.gitwatcher.health;

import dev.quayside.gitwatcher.client.DeliveryLog;
import dev.quayside.kit.health.CompactedTopicReadiness;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the de-duplication topic has been read to its end (before that, pushes cannot be de-duplicated), and
 * only while the broker answers: without Kafka, no webhook can be taken (senders get 503 and retry).
 */
@Readiness
@ApplicationScoped
class DeliveryLogReadiness implements HealthCheck {

    private final DeliveryLog log;

    DeliveryLogReadiness(DeliveryLog log) {
        this.log = log;
    }

    @Override
    public HealthCheckResponse call() {
        return CompactedTopicReadiness.response("git-watcher-delivery-log", log.topic(), log.health());
    }
}
