package dev.quayside.configsyncer.health;

import dev.quayside.configsyncer.client.ConsulClient;
import dev.quayside.configsyncer.client.ConsulException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when Consul answers and has a leader (a Consul without a leader must never drive a sync). */
@Readiness
@ApplicationScoped
class ConsulReadiness implements HealthCheck {

    private final ConsulClient consul;

    ConsulReadiness(ConsulClient consul) {
        this.consul = consul;
    }

    @Override
    public HealthCheckResponse call() {
        try {
            String leader = consul.leader();
            return HealthCheckResponse.named("consul").status(leader != null && !leader.isBlank())
                    .withData("leader", String.valueOf(leader)).build();
        } catch (ConsulException e) {
            return HealthCheckResponse.named("consul").down().withData("error", e.getMessage()).build();
        }
    }
}
