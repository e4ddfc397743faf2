package dev.quayside.registrator.health;

import dev.quayside.registrator.client.ConsulClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the Consul agent lists its services. */
@Readiness
@ApplicationScoped
class ConsulHealthCheck implements HealthCheck {

    private final ConsulClient consul;

    ConsulHealthCheck(ConsulClient consul) {
        this.consul = consul;
    }

    @Override
    public HealthCheckResponse call() {
        try {
            int services = consul.services().size();
            return HealthCheckResponse.named("consul").up().withData("url", consul.url())
                    .withData("services", services).build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("consul").down().withData("url", consul.url())
                    .withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
