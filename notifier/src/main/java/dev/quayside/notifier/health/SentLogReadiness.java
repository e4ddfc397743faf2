package dev.quayside.notifier.health;

import dev.quayside.notifier.client.SentLogClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the sent log has been read back from Kafka: before that, no event is handled. */
@Readiness
@ApplicationScoped
class SentLogReadiness implements HealthCheck {

    private final SentLogClient sentLog;

    SentLogReadiness(SentLogClient sentLog) {
        this.sentLog = sentLog;
    }

    @Override
    public HealthCheckResponse call() {
        boolean loaded = sentLog.log().isLoaded();
        return HealthCheckResponse.named("notifier-sent-log").status(loaded)
                .withData("keys", sentLog.log().size()).build();
    }
}
