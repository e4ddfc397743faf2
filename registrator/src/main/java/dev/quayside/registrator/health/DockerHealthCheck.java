package dev.quayside.registrator.health;

import dev.quayside.registrator.client.DockerEngineClient;
import dev.quayside.registrator.service.EventStreamFollower;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the Docker engine answers a ping and the event stream is open. */
@Readiness
@ApplicationScoped
class DockerHealthCheck implements HealthCheck {

    private final DockerEngineClient docker;
    private final EventStreamFollower stream;

    DockerHealthCheck(DockerEngineClient docker, EventStreamFollower stream) {
        this.docker = docker;
        this.stream = stream;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("docker").withData("host", docker.host())
                .withData("eventStream", stream.connected() ? "open" : "down");
        if (stream.lastError() != null) {
            builder.withData("lastStreamError", stream.lastError());
        }
        try {
            docker.ping();
            return builder.status(stream.connected()).build();
        } catch (RuntimeException e) {
            return builder.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
