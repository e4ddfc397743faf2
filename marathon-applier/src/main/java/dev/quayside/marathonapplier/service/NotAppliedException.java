package dev.quayside.marathonapplier.service;

import dev.quayside.events.Deployment;
import dev.quayside.events.EventEnvelope;
import java.util.List;

/**
 * A definition's work ended in a terminal error (a retryable one whose retries are exhausted): carries what was known
 * about the deployment and the outcome events already decided (a {@code DeploymentFailed} before a rollback that could
 * not be sent), so the failure is announced once, with the most precise event.
 */
class NotAppliedException extends RuntimeException {

    private final transient Deployment deployment;
    private final transient List<EventEnvelope<?>> decided;

    NotAppliedException(Deployment deployment, List<EventEnvelope<?>> decided, RuntimeException cause) {
        super(cause.getMessage(), cause);
        this.deployment = deployment;
        this.decided = List.copyOf(decided);
    }

    /** The deployment as planned (app id, image, version where known). */
    Deployment deployment() {
        return deployment;
    }

    /** Outcome events decided before the error, in order; a {@code DeploymentFailed} among them announces it. */
    List<EventEnvelope<?>> decided() {
        return decided;
    }
}
