package dev.quayside.edgerouter.health;

import dev.quayside.edgerouter.client.HaproxyClient;
import dev.quayside.edgerouter.client.ProcessList;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready when HAProxy's master answers {@code show proc} with a running worker. */
@Readiness
@ApplicationScoped
class HaproxyReadiness implements HealthCheck {

    private final HaproxyClient haproxy;

    HaproxyReadiness(HaproxyClient haproxy) {
        this.haproxy = haproxy;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("haproxy")
                .withData("masterSocket", haproxy.settings().masterSocket().toString());
        try {
            ProcessList procs = haproxy.showProc();
            return response.status(!procs.workers().isEmpty()).withData("master", procs.masterPid())
                    .withData("worker", procs.currentWorkerPid()).withData("oldWorkers", procs.oldWorkers().size())
                    .withData("reloads", procs.reloads()).withData("failedReloads", procs.failedReloads())
                    .withData("restarts", haproxy.restarts()).build();
        } catch (IOException | IllegalArgumentException e) {
            return response.down().withData("error", e.getMessage()).build();
        }
    }
}
