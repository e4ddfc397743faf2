package dev.quayside.marathonapplier.health;

import dev.quayside.marathonapplier.client.ConsulKvClient;
import dev.quayside.marathonapplier.client.MarathonClient;
import dev.quayside.marathonapplier.config.ApplierConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashSet;
import java.util.Set;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready when Consul answers and every environment's Marathon answers {@code /v2/info}. */
@Readiness
@ApplicationScoped
class MarathonReadiness implements HealthCheck {

    private final MarathonClient marathon;
    private final ConsulKvClient consul;
    private final ApplierConfig config;

    MarathonReadiness(MarathonClient marathon, ConsulKvClient consul, ApplierConfig config) {
        this.marathon = marathon;
        this.consul = consul;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("marathon-and-consul");
        boolean up = consul.reachable();
        response.withData("consul", up ? "up" : "down");
        Set<String> environments = new LinkedHashSet<>(config.environments().keySet());
        environments.add("default");
        for (String environment : environments) {
            boolean reachable = marathon.reachable(environment);
            response.withData("marathon." + environment, reachable ? "up" : "down");
            up &= reachable;
        }
        return response.status(up).build();
    }
}
