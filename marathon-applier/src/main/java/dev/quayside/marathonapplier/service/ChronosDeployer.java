package dev.quayside.marathonapplier.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.events.Deployment;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.DeploymentTarget;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ServiceDeployed;
import dev.quayside.events.ServiceRemoved;
import dev.quayside.events.ServiceUpgraded;
import dev.quayside.marathonapplier.client.ChronosClient;
import dev.quayside.marathonapplier.client.PlatformException;
import dev.quayside.marathonapplier.config.ApplierConfig;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Applies one Chronos job: validate → compare → {@code POST iso8601|dependency}; removes pruned jobs. */
@ApplicationScoped
public class ChronosDeployer {

    private final ChronosClient chronos;
    private final DefinitionValidator validator;
    private final ApplierConfig config;

    ChronosDeployer(ChronosClient chronos, DefinitionValidator validator, ApplierConfig config) {
        this.chronos = chronos;
        this.validator = validator;
        this.config = config;
    }

    public List<EventEnvelope<?>> apply(DefinitionKey key, JsonNode job, ApplyContext context) {
        String name = job.path("name").asText("");
        Instant start = Instant.now();
        Deployment planned = deployment(key, name, job, start);
        List<Violation> violations = validator.validateChronos(job);
        if (!violations.isEmpty()) {
            return List.of(context.outcome(new DeploymentFailed(planned, DeploymentFailed.Reason.INVALID,
                    "invalid job: " + violations, key.file(), violations.get(0).path()), key));
        }
        Optional<JsonNode> current;
        try {
            current = chronos.job(key.environment(), name);
            if (current.isPresent() && DefinitionMatcher.matches(job, current.get())) {
                // the apply's outcome id: a sync redelivered after it was applied announces the same event again
                return List.of(context.outcome(new ServiceUpgraded(planned, true), key));
            }
            chronos.put(key.environment(), job);
        } catch (PlatformException e) {
            if (e.isRetryable()) {
                // Chronos stayed unavailable beyond the retries: announced once by the caller, the sync dead-lettered
                throw new NotAppliedException(planned, List.of(), e);
            }
            return List.of(context.outcome(new DeploymentFailed(planned, DeploymentFailed.Reason.REJECTED,
                    e.getMessage(), key.file(), null), key));
        }
        Deployment done = deployment(key, name, job, start);
        return List.of(context.outcome(current.isPresent() ? new ServiceUpgraded(done, false) : new ServiceDeployed(done),
                key));
    }

    public Optional<EventEnvelope<?>> remove(DefinitionKey key, ApplyContext context) {
        ApplierConfig.Environment env = config.environments().get(key.environment());
        if (env == null || !env.prune()) {
            Log.infof("%s was removed from the config repo; pruning is off for %s, so job %s stays", key.file(),
                    key.environment(), key.app());
            return Optional.empty();
        }
        Instant start = Instant.now();
        if (!chronos.delete(key.environment(), key.app())) {
            return Optional.empty();
        }
        return Optional.of(context.outcome(new ServiceRemoved(new Deployment(key.app(), key.environment(),
                DeploymentTarget.CHRONOS, key.app(), null, null, null, Duration.between(start, Instant.now()).toMillis())),
                key));
    }

    private static Deployment deployment(DefinitionKey key, String name, JsonNode job, Instant start) {
        return new Deployment(key.app(), key.environment(), DeploymentTarget.CHRONOS, name, null,
                MarathonDeployer.image(job), null, Duration.between(start, Instant.now()).toMillis());
    }
}
