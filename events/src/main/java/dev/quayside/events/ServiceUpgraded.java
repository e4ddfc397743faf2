package dev.quayside.events;

/** An existing app or job now runs a new definition (CDEvents {@code service.upgraded}). {@code unchanged} is true when the definition already ran and nothing was redeployed. */
public record ServiceUpgraded(Deployment deployment, boolean unchanged) implements DeploymentEvent {
}
