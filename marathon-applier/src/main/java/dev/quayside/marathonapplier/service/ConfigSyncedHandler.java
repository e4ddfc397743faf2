package dev.quayside.marathonapplier.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.Deployment;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.DeploymentTarget;
import dev.quayside.events.EventCodec;
import dev.quayside.events.EventEnvelope;
import dev.quayside.kit.messaging.AsyncEventHandler;
import dev.quayside.kit.messaging.Delivery;
import dev.quayside.kit.messaging.Outcome;
import dev.quayside.marathonapplier.client.ConsulKvClient;
import dev.quayside.marathonapplier.config.ApplierConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Handles {@link ConfigSynced}: every changed definition of the sync is read from Consul KV and applied. Each
 * definition's work is queued behind the earlier syncs' work for the same definition ({@link ApplyQueue}), so one app
 * is applied in the order the syncs arrived while other apps go ahead at once; each app's outcome events are
 * published as soon as that app is done, before its next change starts.
 */
@ApplicationScoped
public class ConfigSyncedHandler implements AsyncEventHandler<ConfigSynced> {

    private final ConsulKvClient consul;
    private final MarathonDeployer marathon;
    private final ChronosDeployer chronos;
    private final MeterRegistry metrics;
    private final ApplyQueue queue;
    private final Suspensions suspensions;
    private final Semaphore inFlight;

    ConfigSyncedHandler(ConsulKvClient consul, MarathonDeployer marathon, ChronosDeployer chronos, ApplyQueue queue,
            Suspensions suspensions, ApplierConfig config, MeterRegistry metrics) {
        this.consul = consul;
        this.suspensions = suspensions;
        this.marathon = marathon;
        this.chronos = chronos;
        this.metrics = metrics;
        this.queue = queue;
        int max = Math.max(1, config.maxInFlight());
        this.inFlight = new Semaphore(max);
        Gauge.builder("quayside.marathon-applier.syncs-in-flight", inFlight, s -> max - s.availablePermits())
                .description("ConfigSynced records received and not yet acknowledged").register(metrics);
    }

    @Override
    public Class<ConfigSynced> eventType() {
        return ConfigSynced.class;
    }

    /**
     * Takes one of {@code max-in-flight} slots (waiting here, in record order, for a free one), queues the sync's work
     * and returns at once. The stage completes when every definition is applied and its outcomes published; it fails,
     * once all of them are done, with the first failure (each failed definition was announced as
     * {@link DeploymentFailed} already), so the record is dead-lettered with that reason.
     */
    @Override
    public CompletionStage<Outcome> handle(EventEnvelope<ConfigSynced> event, Delivery delivery)
            throws InterruptedException {
        inFlight.acquire(); // interrupted while shutting down: the record is delivered again
        CompletableFuture<Void> done;
        try {
            done = submit(event, delivery::publish);
        } catch (RuntimeException e) {
            inFlight.release();
            throw e;
        }
        return done.whenComplete((ignored, failure) -> inFlight.release()).thenApply(ignored -> Outcome.nothing());
    }

    /**
     * Queues the sync's work and returns at once. The future completes when every definition of the sync has been
     * applied and its outcome events handed to {@code publish} (which must return only once they are published); it
     * fails, after all of them are done, when any of them failed.
     */
    public CompletableFuture<Void> submit(EventEnvelope<ConfigSynced> event, Consumer<List<EventEnvelope<?>>> publish) {
        ConfigSynced sync = event.data();
        if (sync.outcome() == ConfigSynced.Outcome.FAILED) {
            Log.infof("sync of %s/%s failed (%s): nothing to apply", sync.configRepository(), sync.branch(), sync.reason());
            return CompletableFuture.completedFuture(null);
        }
        ApplyContext context = ApplyContext.of(event);
        Map<String, Boolean> changes = new LinkedHashMap<>();
        sync.keysPut().forEach(k -> changes.put(k, true));
        sync.keysDeleted().forEach(k -> changes.put(k, false));
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        changes.forEach((key, put) -> DefinitionKey.parse(key).ifPresent(definition ->
                pending.add(queue.enqueue(definition.key(), () -> {
                    handle(definition, put, context, publish);
                    return null;
                }))));
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
    }

    /**
     * Applies (or removes) one definition and publishes its outcome events. A terminal error (a retryable one whose
     * retries are exhausted: Consul, Marathon or Chronos unavailable) is announced as {@link DeploymentFailed} (reason
     * {@code ERROR}, once for the definition) and then thrown, so the sync is dead-lettered once all its definitions
     * are done. While shutting down nothing is announced: the sync is delivered again.
     */
    private void handle(DefinitionKey definition, boolean put, ApplyContext context,
            Consumer<List<EventEnvelope<?>>> publish) {
        ConfigSynced sync = context.cause().data();
        List<EventEnvelope<?>> outcomes;
        RuntimeException failure = null;
        try {
            Optional<String> suspendedBy = suspensions.of(definition);
            outcomes = suspendedBy.isPresent() ? suspended(definition, put, suspendedBy.get(), context)
                    : put ? apply(definition, context) : remove(definition, context);
        } catch (RuntimeException e) {
            if (queue.stopping()) {
                throw e;
            }
            failure = e instanceof NotAppliedException && e.getCause() instanceof RuntimeException
                    ? (RuntimeException) e.getCause() : e;
            outcomes = notApplied(definition, put, context, e);
        }
        for (EventEnvelope<?> outcome : outcomes) {
            metrics.counter("quayside.marathon-applier.outcomes", "type", outcome.type().name()).increment();
            Log.infof("%s/%s@%s: %s %s", sync.configRepository(), sync.branch(), sync.toCommit(),
                    outcome.type().name(), outcome.data());
        }
        publish.accept(outcomes);
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * The events announcing that {@code key} was not applied because of {@code error}: those already decided when they
     * include a {@link DeploymentFailed} (a failed deployment whose rollback could not be sent), else those followed
     * by a {@link DeploymentFailed} with reason {@code ERROR}.
     */
    private static List<EventEnvelope<?>> notApplied(DefinitionKey key, boolean put, ApplyContext context,
            RuntimeException error) {
        Deployment deployment = new Deployment(key.app(), key.environment(), key.target(), null, null, null, null, 0);
        List<EventEnvelope<?>> events = new ArrayList<>();
        if (error instanceof NotAppliedException) {
            NotAppliedException notApplied = (NotAppliedException) error;
            events.addAll(notApplied.decided());
            if (events.stream().anyMatch(e -> e.data() instanceof DeploymentFailed)) {
                Log.errorf("%s: %s after its failure was decided; the sync is dead-lettered", key.file(),
                        error.getMessage());
                return events;
            }
            deployment = notApplied.deployment();
        }
        String what = put ? "not applied: " : "not removed: ";
        events.add(context.outcome(new DeploymentFailed(deployment, DeploymentFailed.Reason.ERROR,
                what + error.getMessage(), key.file(), null), key));
        return events;
    }

    /**
     * The one outcome of a definition whose app is suspended in its environment: neither applied nor removed, ended
     * with {@code DeploymentFailed} reason {@code SUSPENDED}.
     */
    private List<EventEnvelope<?>> suspended(DefinitionKey key, boolean put, String commit, ApplyContext context) {
        Log.infof("%s: %s is suspended in %s: %s", key.file(), key.app(), key.environment(),
                put ? "not applied" : "not removed");
        Optional<String> text = put ? consul.value(key.key()) : Optional.empty();
        return List.of(context.outcome(Suspensions.event(key, text, commit, put ? "not applied" : "not removed"), key));
    }

    /** Reads a definition from Consul and applies it to its target. */
    List<EventEnvelope<?>> apply(DefinitionKey key, ApplyContext context) {
        Optional<String> text = consul.value(key.key());
        if (text.isEmpty()) {
            Log.infof("%s is no longer in Consul (changed again since the sync): skipped", key.key());
            return List.of();
        }
        JsonNode definition;
        try {
            definition = EventCodec.mapper().readTree(text.get());
        } catch (IOException e) {
            Deployment planned = new Deployment(key.app(), key.environment(), key.target(), null, null, null, null, 0);
            return List.of(context.outcome(new DeploymentFailed(planned, DeploymentFailed.Reason.INVALID,
                    "not valid JSON: " + e.getMessage(), key.file(), "/"), key));
        }
        return key.target() == DeploymentTarget.MARATHON ? marathon.apply(key, definition, text.get(), context)
                : chronos.apply(key, definition, context);
    }

    private List<EventEnvelope<?>> remove(DefinitionKey key, ApplyContext context) {
        if (key.target() == DeploymentTarget.CHRONOS) {
            return chronos.remove(key, context).map(List::<EventEnvelope<?>>of).orElse(List.of());
        }
        return marathon.remove(key, context)
                .map(List::<EventEnvelope<?>>of).orElse(List.of());
    }
}
