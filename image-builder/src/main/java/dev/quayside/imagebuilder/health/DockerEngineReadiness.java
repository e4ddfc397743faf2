package dev.quayside.imagebuilder.health;

import dev.quayside.imagebuilder.client.DockerEngineClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the Docker engine answers a ping. */
@Readiness
@ApplicationScoped
class DockerEngineReadiness implements HealthCheck {

    private final DockerEngineClient docker;

    DockerEngineReadiness(DockerEngineClient docker) {
        this.docker = docker;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("docker-engine").status(docker.answers())
                .withData("host", docker.host()).build();
    }
}
