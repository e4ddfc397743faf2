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
 * Compares what runs on Marathon with the desired state in Consul KV. A difference is reported once as
 * {@link DeploymentFailed} with reason {@code DRIFT} (and reported again only after it was resolved and came back),
 * or corrected when self-heal is on for the environment.
 */
@ApplicationScoped
public class DriftReconciler {

    private final ConsulKvClient consul;
    private final MarathonClient marathon;
    private final MarathonDeployer deployer;
    private final ApplierConfig config;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    DriftReconciler(ConsulKvClient consul, MarathonClient marathon, MarathonDeployer deployer, ApplierConfig config) {
        this.consul = consul;
        this.marathon = marathon;
        this.deployer = deployer;
        this.config = config;
    }

    /** One pass over every Marathon definition in KV; returns the events to publish. */
    public List<EventEnvelope<?>> reconcile() {
        List<EventEnvelope<?>> events = new ArrayList<>();
        ApplyContext context = ApplyContext.drift();
        for (Map.Entry<String, String> entry : consul.tree(config.kvPrefix()).entrySet()) {
            Optional<DefinitionKey> parsed = DefinitionKey.parse(entry.getKey());
            if (parsed.isEmpty() || parsed.get().target() != DeploymentTarget.MARATHON) {
                continue;
            }
            DefinitionKey key = parsed.get();
            JsonNode wanted;
            try {
                wanted = EventCodec.mapper().readTree(entry.getValue());
            } catch (IOException e) {
                continue; // invalid definitions are reported when they are synced
            }
            String appId = wanted.path("id").asText("");
            if (appId.isEmpty()) {
                continue;
            }
            Optional<JsonNode> running = marathon.app(key.environment(), appId);
            boolean drifted = running.isEmpty() || !DefinitionMatcher.matches(wanted, running.get());
            if (!drifted) {
                reported.remove(key.key());
                continue;
            }
            boolean selfHeal = Optional.ofNullable(config.environments().get(key.environment()))
                    .map(ApplierConfig.Environment::selfHeal).orElse(false);
            if (selfHeal) {
                Log.infof("drift on %s (%s): re-applying the desired definition", appId, key.file());
                events.addAll(deployer.apply(key, wanted, context));
                reported.remove(key.key());
            } else if (reported.add(key.key())) {
                String what = running.isEmpty() ? "the app is not running on Marathon"
                        : "what runs differs from " + key.file();
                Deployment deployment = new Deployment(key.app(), key.environment(), DeploymentTarget.MARATHON, appId,
                        running.map(a -> a.path("version").asText(null)).orElse(null), MarathonDeployer.image(wanted),
                        null, 0);
                events.add(context.envelope(new DeploymentFailed(deployment, DeploymentFailed.Reason.DRIFT, what,
                        key.file(), null), key.key(), "drift"));
            }
        }
        return events;
    }
}
