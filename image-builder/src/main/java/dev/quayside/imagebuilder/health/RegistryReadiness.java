package dev.quayside.imagebuilder.health;

import dev.quayside.imagebuilder.client.RegistryClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the registry answers {@code GET /v2/} (200, or 401 asking for credentials). */
@Readiness
@ApplicationScoped
class RegistryReadiness implements HealthCheck {

    private final RegistryClient registry;

    RegistryReadiness(RegistryClient registry) {
        this.registry = registry;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("registry").status(registry.answers())
                .withData("address", registry.address()).build();
    }
}
