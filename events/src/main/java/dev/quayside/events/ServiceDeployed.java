package dev.quayside.events;

/** A new app or job now runs as defined (CDEvents {@code service.deployed}). */
public record ServiceDeployed(Deployment deployment) implements DeploymentEvent {
}
