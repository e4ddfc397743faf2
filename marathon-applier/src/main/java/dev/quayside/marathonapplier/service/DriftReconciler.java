package dev.quayside.marathonapplier.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.events.Deployment;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.DeploymentTarget;
import dev.quayside.events.EventCodec;
import dev.quayside.events.EventEnvelope;
import dev.quayside.marathonapplier.client.ConsulKvClient;
import dev.quayside.marathonapplier.client.MarathonClient;
import dev.quayside.marathonapplier.config.ApplierConfig;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compares what runs on Marathon with the desired state in Consul KV. A definition in KV that no sync brought
 * ({@link AppliedDefinitions}) and that stays so for {@code lost-sync-grace} is applied: the backstop for a lost or
 * failed {@code ConfigSynced}. Any other difference — what runs changed by hand — is reported once as
 * {@link DeploymentFailed} with reason {@code DRIFT} (and reported again only after it was resolved and came back),
 * or corrected when self-heal is on for the environment — except a definition that was rolled back
 * ({@link AppliedDefinitions#wasRolledBack}, kept durably): self-heal never re-applies it, it is reported as drift,
 * until KV holds a different definition. A definition whose app is suspended in its environment ({@link Suspensions})
 * is never applied, neither as a lost sync nor by self-heal: a difference is reported once as {@code SUSPENDED}, not as
 * drift. No pass runs before the durable record has been read.
 */
@ApplicationScoped
public class DriftReconciler {

    private final ConsulKvClient consul;
    private final MarathonClient marathon;
    private final MarathonDeployer deployer;
    private final ApplierConfig config;
    private final ApplyQueue queue;
    private final AppliedDefinitions applied;
    private final Suspensions suspensions;
    /** Prefix of the {@link #reported} entries of suspended definitions (reported as suspended, not as drift). */
    private static final String SUSPENDED = "suspended:";
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private volatile boolean started;

    DriftReconciler(ConsulKvClient consul, MarathonClient marathon, MarathonDeployer deployer, ApplierConfig config,
            ApplyQueue queue, AppliedDefinitions applied, Suspensions suspensions) {
        this.suspensions = suspensions;
        this.consul = consul;
        this.marathon = marathon;
        this.deployer = deployer;
        this.config = config;
        this.queue = queue;
        this.applied = applied;
    }

    /**
     * One pass over every Marathon definition in KV; returns the events to publish. A definition with a sync's work
     * running or queued is skipped (that work brings it to the desired state; the next pass looks again); a difference
     * is confirmed in the definition's own queue, against a fresh read of KV, so a reconcile never races an apply of
     * the same app.
     */
    public List<EventEnvelope<?>> reconcile() {
        if (!applied.ready()) {
            Log.infof("the record of handled and rolled-back definitions is not read yet: drift is checked later");
            return List.of();
        }
        List<EventEnvelope<?>> events = new ArrayList<>();
        ApplyContext context = ApplyContext.drift();
        boolean first = !started;
        Map<String, String> suspended = suspensions.all();
        for (Map.Entry<String, String> entry : consul.tree(config.kvPrefix()).entrySet()) {
            Optional<DefinitionKey> parsed = DefinitionKey.parse(entry.getKey());
            if (parsed.isEmpty() || parsed.get().target() != DeploymentTarget.MARATHON) {
                continue;
            }
            DefinitionKey key = parsed.get();
            if (first) { // what KV holds at the start counts as handled: the syncs in flight are delivered again
                definition(entry.getValue()).ifPresent(d -> applied.known(key.key(), d));
            }
            String suspendedBy = Suspensions.in(suspended, key);
            if (suspendedBy != null) { // never applied or self-healed: a difference is reported as suspended, once
                if (!queue.busy(key.key()) && drifted(key, entry.getValue()) && reported.add(SUSPENDED + key.key())) {
                    events.add(suspendedDrift(key, entry.getValue(), suspendedBy, context));
                }
            } else if (queue.busy(key.key())) {
                Log.debugf("%s is being applied: drift is checked on the next pass", key.file());
            } else if (drifted(key, entry.getValue())) {
                events.addAll(queue.enqueue(key.key(), () -> reconcile(key, consul.value(key.key()), context)).join());
            }
        }
        started = true;
        return events;
    }

    /** Whether what runs differs from {@code text} (the definition in KV); forgets an earlier report when not. */
    private boolean drifted(DefinitionKey key, String text) {
        Optional<JsonNode> wanted = definition(text);
        if (wanted.isEmpty()) {
            return false;
        }
        Optional<JsonNode> running = marathon.app(key.environment(), wanted.get().path("id").asText());
        boolean drifted = running.isEmpty() || !DefinitionMatcher.runs(wanted.get(), running.get());
        if (!drifted) {
            reported.remove(key.key());
            reported.remove(SUSPENDED + key.key());
        }
        return drifted;
    }

    /** Checks {@code text} against what runs again and reports the drift once, or corrects it (self-heal). */
    private List<EventEnvelope<?>> reconcile(DefinitionKey key, Optional<String> text, ApplyContext context) {
        Optional<JsonNode> parsed = text.flatMap(DriftReconciler::definition);
        if (parsed.isEmpty() || !drifted(key, text.get())) {
            return List.of();
        }
        if (suspensions.of(key).isPresent()) {
            return List.of(); // suspended since the pass looked: the next pass reports it as suspended
        }
        JsonNode wanted = parsed.get();
        String appId = wanted.path("id").asText();
        boolean selfHeal = Optional.ofNullable(config.environments().get(key.environment()))
                .map(ApplierConfig.Environment::selfHeal).orElse(false);
        boolean wasRolledBack = applied.wasRolledBack(key.key(), wanted);
        if (!applied.handled(key.key(), wanted)) {
            if (!applied.unhandledFor(key.key(), wanted, config.lostSyncGrace(), java.time.Instant.now())) {
                return List.of(); // its sync is probably on its way: the next pass looks again
            }
            Log.infof("%s holds a definition of %s that no sync brought within %s (a lost or failed sync): applying it",
                    key.file(), appId, config.lostSyncGrace());
            reported.remove(key.key());
            return deployer.apply(key, wanted, context);
        }
        if (selfHeal && !wasRolledBack) {
            Log.infof("drift on %s (%s): re-applying the desired definition", appId, key.file());
            reported.remove(key.key());
            return deployer.apply(key, wanted, context);
        }
        if (!reported.add(key.key())) {
            return List.of();
        }
        Optional<JsonNode> running = marathon.app(key.environment(), appId);
        String what = running.isEmpty() ? "the app is not running on Marathon" : "what runs differs from " + key.file();
        if (wasRolledBack) {
            what += ": " + key.file() + " was rolled back after it failed and is not re-applied until a new commit "
                    + "changes it";
            Log.infof("drift on %s (%s): %s", appId, key.file(), what);
        }
        Deployment deployment = new Deployment(key.app(), key.environment(), DeploymentTarget.MARATHON, appId,
                running.map(a -> a.path("version").asText(null)).orElse(null), MarathonDeployer.image(wanted), null, 0);
        return List.of(context.envelope(new DeploymentFailed(deployment, DeploymentFailed.Reason.DRIFT, what,
                key.file(), null), key.key(), "drift"));
    }

    /** The report of a suspended definition that differs from what runs: suspended, not drift, and not corrected. */
    private EventEnvelope<?> suspendedDrift(DefinitionKey key, String text, String commit, ApplyContext context) {
        String appId = definition(text).map(d -> d.path("id").asText()).orElse("");
        String what = marathon.app(key.environment(), appId).isEmpty() ? "the app is not running on Marathon"
                : "what runs differs from " + key.file();
        Log.infof("drift on %s (%s) not corrected: %s is suspended in %s", appId, key.file(), key.app(),
                key.environment());
        return context.envelope(Suspensions.event(key, Optional.of(text), commit, what + ", not corrected"), key.key(),
                "suspended-drift");
    }

    /** The definition, or empty when it is not valid JSON or has no id (invalid ones are reported when synced). */
    private static Optional<JsonNode> definition(String text) {
        try {
            JsonNode wanted = EventCodec.mapper().readTree(text);
            return wanted == null || wanted.path("id").asText("").isEmpty() ? Optional.empty() : Optional.of(wanted);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
