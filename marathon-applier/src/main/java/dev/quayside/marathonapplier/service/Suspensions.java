package dev.quayside.marathonapplier.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.events.Deployment;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.DeploymentTarget;
import dev.quayside.events.EventCodec;
import dev.quayside.marathonapplier.client.ConsulKvClient;
import dev.quayside.marathonapplier.config.ApplierConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which apps are suspended in which environment: the keys {@code <suspended-prefix>/<app>/<environment>} that
 * config-syncer's mirror writes from the config repo's {@code quayside.yml} in the same Consul transaction as the
 * definitions (value: the config commit that suspended it). A suspended definition is not applied, not removed and not
 * self-healed; its outcome is {@link DeploymentFailed} with reason {@code SUSPENDED}.
 */
@ApplicationScoped
public class Suspensions {

    private final ConsulKvClient consul;
    private final String prefix;

    Suspensions(ConsulKvClient consul, ApplierConfig config) {
        this.consul = consul;
        this.prefix = config.suspendedPrefix();
    }

    /** The commit that suspended {@code key}'s app in its environment, or empty when it is not suspended. */
    Optional<String> of(DefinitionKey key) {
        return consul.value(prefix + "/" + key.app() + "/" + key.environment());
    }

    /** Every suspension: {@code <app>/<environment>} → the commit that suspended it (one read). */
    Map<String, String> all() {
        Map<String, String> all = new HashMap<>();
        consul.tree(prefix + "/").forEach((key, commit) -> all.put(key.substring(prefix.length() + 1), commit));
        return all;
    }

    /** {@code all}'s suspension of {@code key}'s app and environment, or null. */
    static String in(Map<String, String> all, DefinitionKey key) {
        return all.get(key.app() + "/" + key.environment());
    }

    /**
     * The outcome of a suspended definition: {@code DeploymentFailed} reason {@code SUSPENDED} saying
     * {@code <what>: <app> is suspended in <environment> (quayside.yml, since <commit>)}.
     *
     * @param text the definition as KV holds it (for the app id and image; may be empty or not JSON)
     */
    static DeploymentFailed event(DefinitionKey key, Optional<String> text, String commit, String what) {
        JsonNode definition = text.map(Suspensions::parse).orElse(null);
        String targetId = null;
        String image = null;
        if (definition != null) {
            targetId = definition.path(key.target() == DeploymentTarget.MARATHON ? "id" : "name").asText(null);
            image = MarathonDeployer.image(definition);
        }
        Deployment deployment = new Deployment(key.app(), key.environment(), key.target(), targetId, null, image, null, 0);
        String message = what + ": " + key.app() + " is suspended in " + key.environment() + " (quayside.yml"
                + (commit == null || commit.isBlank() ? "" : ", since " + commit) + ")";
        return new DeploymentFailed(deployment, DeploymentFailed.Reason.SUSPENDED, message, key.file(), null);
    }

    private static JsonNode parse(String text) {
        try {
            return EventCodec.mapper().readTree(text);
        } catch (IOException e) {
            return null;
        }
    }
}
