package dev.quayside.gitwatcher.health;

import dev.quayside.gitwatcher.client.DeliveryLog;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the de-duplication topic has been read to its end (before that, pushes cannot be de-duplicated). */
@Readiness
@ApplicationScoped
class DeliveryLogReadiness implements HealthCheck {

    private final DeliveryLog log;

    DeliveryLogReadiness(DeliveryLog log) {
        this.log = log;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("git-watcher-delivery-log")
                .status(log.isCaughtUp() && log.readerFailure().isEmpty())
                .withData("caughtUp", log.isCaughtUp())
                .withData("readerFailure", log.readerFailure().map(Exception::toString).orElse("none"))
                .build();
    }
}
