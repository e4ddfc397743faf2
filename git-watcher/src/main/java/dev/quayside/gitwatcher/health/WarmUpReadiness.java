package dev.quayside.gitwatcher.health;

import dev.quayside.gitwatcher.service.webhook.WarmUp;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the start-up warm-up of the webhook path has run (it is bounded and never fails readiness for good). */
@Readiness
@ApplicationScoped
class WarmUpReadiness implements HealthCheck {

    private final WarmUp warmUp;

    WarmUpReadiness(WarmUp warmUp) {
        this.warmUp = warmUp;
    }

    @Override
    public HealthCheckResponse call() {
        boolean done = warmUp.isDone();
        return HealthCheckResponse.named("git-watcher-warm-up").status(done)
                .withData("tookMs", done ? warmUp.took().toMillis() : -1).build();
    }
}
