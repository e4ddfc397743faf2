package dev.quayside.edgerouter.health;

import dev.quayside.edgerouter.client.ConsulCatalogClient;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when Consul answers a catalog read and the watches have seen the whole catalog once. */
@Readiness
@ApplicationScoped
class ConsulReadiness implements AsyncHealthCheck {

    private final ConsulCatalogClient consul;

    ConsulReadiness(ConsulCatalogClient consul) {
        this.consul = consul;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return consul.ping().ifNoItem().after(Duration.ofSeconds(3)).fail()
                .map(services -> HealthCheckResponse.named("consul").status(consul.synced())
                        .withData("services", services).withData("synced", consul.synced())
                        .withData("lastError", String.valueOf(consul.lastError())).build())
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named("consul").down()
                        .withData("error", String.valueOf(e.getMessage())).build());
    }
}
