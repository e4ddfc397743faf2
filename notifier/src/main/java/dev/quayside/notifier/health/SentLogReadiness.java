package dev.quayside.notifier.health;

import dev.quayside.kit.health.CompactedTopicReadiness;
import dev.quayside.notifier.client.SentLogClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the sent log has been read back from Kafka and its baseline recorded (before that, no event is handled),
 * and while the broker answers: the kit's answer for state in a compacted topic.
 */
@Readiness
@ApplicationScoped
class SentLogReadiness implements HealthCheck {

    private final SentLogClient sentLog;

    SentLogReadiness(SentLogClient sentLog) {
        this.sentLog = sentLog;
    }

    @Override
    public HealthCheckResponse call() {
        return CompactedTopicReadiness.response("notifier-sent-log", sentLog.log().topic(), sentLog.log().health());
    }
}
