package dev.quayside.marathonapplier.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.Deployment;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.DeploymentTarget;
import dev.quayside.events.EventCodec;
import dev.quayside.events.EventEnvelope;
import dev.quayside.marathonapplier.client.ConsulKvClient;
import dev.quayside.marathonapplier.config.ApplierConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Handles {@link ConfigSynced}: every changed definition of the sync is read from Consul KV and applied, apps in
 * parallel (bounded), each app's own steps in order. Returns every outcome event, once all apps are done.
 */
@ApplicationScoped
public class ConfigSyncedHandler {

    private final ConsulKvClient consul;
    private final MarathonDeployer marathon;
    private final ChronosDeployer chronos;
    private final MeterRegistry metrics;
    private final ExecutorService workers;

    ConfigSyncedHandler(ConsulKvClient consul, MarathonDeployer marathon, ChronosDeployer chronos,
            ApplierConfig config, MeterRegistry metrics) {
        this.consul = consul;
        this.marathon = marathon;
        this.chronos = chronos;
        this.metrics = metrics;
        this.workers = Executors.newFixedThreadPool(Math.max(1, config.parallelism()));
    }

    public List<EventEnvelope<?>> handle(EventEnvelope<ConfigSynced> event) {
        ConfigSynced sync = event.data();
        if (sync.outcome() == ConfigSynced.Outcome.FAILED) {
            Log.infof("sync of %s/%s failed (%s): nothing to apply", sync.configRepository(), sync.branch(), sync.reason());
            return List.of();
        }
        ApplyContext context = ApplyContext.of(event);
        Map<String, Boolean> changes = new LinkedHashMap<>();
        sync.keysPut().forEach(k -> changes.put(k, true));
        sync.keysDeleted().forEach(k -> changes.put(k, false));
        List<Future<List<EventEnvelope<?>>>> pending = new ArrayList<>();
        changes.forEach((key, put) -> DefinitionKey.parse(key).ifPresent(definition ->
                pending.add(workers.submit(() -> put ? apply(definition, context) : remove(definition, context)))));
        List<EventEnvelope<?>> outcomes = new ArrayList<>();
        for (Future<List<EventEnvelope<?>>> future : pending) {
            try {
                outcomes.addAll(future.get());
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while applying " + sync.toCommit(), e);
            }
        }
        for (EventEnvelope<?> outcome : outcomes) {
            metrics.counter("quayside.marathon-applier.outcomes", "type", outcome.type().name()).increment();
            Log.infof("%s/%s@%s: %s %s", sync.configRepository(), sync.branch(), sync.toCommit(),
                    outcome.type().name(), outcome.data());
        }
        return outcomes;
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
            return List.of(context.envelope(new DeploymentFailed(planned, DeploymentFailed.Reason.INVALID,
                    "not valid JSON: " + e.getMessage(), key.file(), "/"), key.key(), "invalid-json"));
        }
        return key.target() == DeploymentTarget.MARATHON ? marathon.apply(key, definition, context)
                : chronos.apply(key, definition, context);
    }

    private List<EventEnvelope<?>> remove(DefinitionKey key, ApplyContext context) {
        if (key.target() == DeploymentTarget.CHRONOS) {
            return chronos.remove(key, context).map(List::<EventEnvelope<?>>of).orElse(List.of());
        }
        return marathon.remove(key, context)
                .map(List::<EventEnvelope<?>>of).orElse(List.of());
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
    }
}
