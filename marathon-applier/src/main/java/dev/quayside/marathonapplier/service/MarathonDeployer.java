package dev.quayside.marathonapplier.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.Deployment;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.DeploymentTarget;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ServiceDeployed;
import dev.quayside.events.ServiceRemoved;
import dev.quayside.events.ServiceRolledBack;
import dev.quayside.events.ServiceUpgraded;
import dev.quayside.marathonapplier.client.MarathonClient;
import dev.quayside.marathonapplier.client.MarathonClient.LockedException;
import dev.quayside.marathonapplier.client.MarathonClient.PutResult;
import dev.quayside.marathonapplier.client.MarathonEventStream;
import dev.quayside.marathonapplier.client.PlatformException;
import dev.quayside.marathonapplier.config.ApplierConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies one Marathon app definition and follows it to its end: validate → compare with what runs → {@code PUT}
 * (queued behind a running deployment on 409) → poll {@code /v2/deployments} and the app's tasks until the new version
 * is running and healthy, or the deadline passes → optional rollback.
 */
@ApplicationScoped
public class MarathonDeployer {

    private final MarathonClient marathon;
    private final MarathonEventStream events;
    private final DefinitionValidator validator;
    private final ApplierConfig config;
    private final AppliedDefinitions applied;

    private final Timer syncToPut;

    MarathonDeployer(MarathonClient marathon, MarathonEventStream events, DefinitionValidator validator,
            ApplierConfig config, MeterRegistry metrics, AppliedDefinitions applied) {
        this.marathon = marathon;
        this.events = events;
        this.validator = validator;
        this.config = config;
        this.applied = applied;
        this.syncToPut = Timer.builder("quayside.marathon-applier.sync-to-put")
                .description("ConfigSynced received -> PUT /v2/apps sent (the benchmark's first-request figure)")
                .publishPercentiles(0.5, 0.95, 0.99).register(metrics);
    }

    /**
     * How long a deployment Marathon ended (without saying whether it succeeded) must stay short of the new version
     * running healthy before that is its outcome: Marathon's task list may lag its deployment list for a moment.
     */
    static final Duration ENDED_CONFIRMATION = Duration.ofSeconds(1);

    /** The label that ties a Marathon app to its definition file, so a removed file finds its app. */
    public static final String FILE_LABEL = "quayside.file";

    /**
     * Applies {@code file} (the file's JSON) and returns the outcome events, in order. When Marathon stays unavailable
     * beyond the client's retries, throws {@link NotAppliedException} with the events decided so far.
     */
    public List<EventEnvelope<?>> apply(DefinitionKey key, JsonNode file, ApplyContext context) {
        return apply(key, file, null, context);
    }

    /**
     * {@link #apply(DefinitionKey, JsonNode, ApplyContext)} of {@code file} parsed from {@code text}, KV's value: a
     * rollback then names the failing definition by the Git blob id of {@code text}.
     */
    public List<EventEnvelope<?>> apply(DefinitionKey key, JsonNode file, String text, ApplyContext context) {
        JsonNode definition = labelled(file, key);
        String appId = definition.path("id").asText("");
        Deployment planned = new Deployment(key.app(), key.environment(), DeploymentTarget.MARATHON, appId, null,
                image(definition), null, 0);
        if (applied.wasRolledBack(key.key(), file)) {
            // the sync again (redelivered, or announced in a second chain) after its definition failed and was rolled
            // back: deploying it once more would fail once more; a commit that changes the definition lifts this
            return List.of(context.outcome(new DeploymentFailed(planned, DeploymentFailed.Reason.ERROR,
                    "not applied: this definition failed and was rolled back; it is applied again once a commit "
                            + "changes it", key.file(), null), key));
        }
        applied.handling(key.key(), file);
        List<Violation> violations = validator.validateMarathon(file);
        if (!violations.isEmpty()) {
            return List.of(context.outcome(new DeploymentFailed(planned, DeploymentFailed.Reason.INVALID,
                    "invalid definition: " + violations, key.file(), violations.get(0).path()), key));
        }
        Instant start = Instant.now();
        String environment = key.environment();
        List<EventEnvelope<?>> events = new ArrayList<>();
        Deployment known = planned;
        try {
            Optional<JsonNode> current = marathon.app(environment, appId);
            String previousVersion = current.map(app -> app.path("version").asText(null)).orElse(null);
            boolean existed = current.isPresent();
            PutResult put;
            if (current.isPresent() && DefinitionMatcher.runs(definition, current.get())) {
                String inFlight = MarathonClient.deploymentInFlight(current.get());
                if (inFlight == null) {
                    Deployment same = withVersion(planned, previousVersion, null, start);
                    // the outcome's id as the deployment's was: a sync redelivered after its deployment ended (even
                    // after a newer sync's) announces the same event again, which consumers take as a redelivery
                    return List.of(context.outcome(new ServiceUpgraded(same, true), key));
                }
                // a redelivered sync whose PUT went out before a crash (or a lost answer): follow that deployment to
                // its end, with the outcome the first delivery would have announced
                Log.infof("%s already has this definition and deployment %s runs it: following it", appId, inFlight);
                put = new PutResult(inFlight, previousVersion);
                previousVersion = versionBefore(environment, appId, previousVersion);
                existed = previousVersion != null;
            } else {
                try {
                    if (context.cause() != null) {
                        syncToPut.record(System.nanoTime() - context.receivedNanos(),
                                java.util.concurrent.TimeUnit.NANOSECONDS);
                    }
                    put = putQueued(environment, appId, definition, start);
                } catch (PlatformException e) {
                    if (e.isRetryable()) {
                        throw e;
                    }
                    return List.of(context.outcome(new DeploymentFailed(planned, DeploymentFailed.Reason.REJECTED,
                            e.getMessage(), key.file(), null), key));
                }
            }
            known = withVersion(planned, put.version(), put.deploymentId(), start);
            Outcome outcome = follow(environment, appId, put, definition);
            Deployment deployment = withVersion(planned, put.version(), put.deploymentId(), start);
            if (outcome.success()) {
                return List.of(context.outcome(existed ? new ServiceUpgraded(deployment, false)
                        : new ServiceDeployed(deployment), key));
            }
            events.add(context.outcome(new DeploymentFailed(deployment, outcome.reason(), outcome.message(),
                    key.file(), null), key));
            if (rollbackEnabled(environment) && previousVersion != null) {
                events.add(rollback(key, definition, text, previousVersion, deployment, outcome, context));
                applied.rolledBack(key.key(), file);
            }
            return events;
        } catch (RuntimeException e) {
            // Marathon stayed unavailable beyond the retries: the caller announces it (once) and dead-letters the sync
            applied.notApplied(key.key(), file);
            throw new NotAppliedException(known, events, e);
        }
    }

    /** Deletes the app of a definition removed from the config repo, when pruning is on for its environment. */
    public Optional<EventEnvelope<?>> remove(DefinitionKey key, ApplyContext context) {
        ApplierConfig.Environment env = config.environments().get(key.environment());
        if (env == null || !env.prune()) {
            Log.infof("%s was removed from the config repo; pruning is off for %s, so its app keeps running",
                    key.file(), key.environment());
            return Optional.empty();
        }
        List<JsonNode> apps = marathon.appsWithLabel(key.environment(), FILE_LABEL + "==" + key.file());
        if (apps.isEmpty()) {
            Log.infof("%s was removed from the config repo; no app carries it, nothing to delete", key.file());
            return Optional.empty();
        }
        String appId = apps.get(0).path("id").asText();
        Instant start = Instant.now();
        String deploymentId = marathon.delete(key.environment(), appId);
        Deployment deployment = new Deployment(key.app(), key.environment(), DeploymentTarget.MARATHON, appId, null,
                null, deploymentId, Duration.between(start, Instant.now()).toMillis());
        return Optional.of(context.outcome(new ServiceRemoved(deployment), key));
    }

    private EventEnvelope<?> rollback(DefinitionKey key, JsonNode definition, String text, String previousVersion,
            Deployment failed, Outcome outcome, ApplyContext context) {
        String appId = definition.path("id").asText("");
        Instant start = Instant.now();
        String versionNow = marathon.app(key.environment(), appId).map(a -> a.path("version").asText("")).orElse("");
        if (versionNow.equals(previousVersion)) {
            Deployment already = new Deployment(key.app(), key.environment(), DeploymentTarget.MARATHON, appId,
                    previousVersion, failed.image(), failed.deploymentId(), Duration.between(start, Instant.now()).toMillis());
            return context.rollback(rolledBack(already, previousVersion, outcome.message()
                    + "; Marathon had already gone back to the previous version", key, definition, text, outcome,
                    context), key);
        }
        boolean stillRunning = marathon.runningDeployments(key.environment()).contains(failed.deploymentId());
        PutResult put = marathon.rollback(key.environment(), appId, previousVersion, stillRunning);
        Outcome back = follow(key.environment(), appId, put, null);
        Deployment rolledBack = new Deployment(key.app(), key.environment(), DeploymentTarget.MARATHON, appId,
                put.version(), failed.image(), put.deploymentId(), Duration.between(start, Instant.now()).toMillis());
        String reason = outcome.message() + (back.success() ? "" : "; the rollback did not converge either: " + back.message());
        return context.rollback(rolledBack(rolledBack, previousVersion, reason, key, definition, text, outcome, context),
                key);
    }

    /** The newest version Marathon keeps of the app that is older than {@code version}, or null (a new app). */
    private String versionBefore(String environment, String appId, String version) {
        return marathon.versions(environment, appId).stream().filter(v -> version == null || v.compareTo(version) < 0)
                .findFirst().orElse(null);
    }

    /**
     * The rollback event, saying where the failing definition came from when a sync brought it (the sync's repository,
     * branch and commit, the commit synced before it as the one to restore) so that config-syncer can write it back.
     */
    private static ServiceRolledBack rolledBack(Deployment deployment, String toVersion, String reason,
            DefinitionKey key, JsonNode definition, String text, Outcome outcome, ApplyContext context) {
        String healthCheck = null;
        if (outcome.reason() == DeploymentFailed.Reason.HEALTH_CHECK) {
            String checks = healthChecks(definition);
            healthCheck = checks.isEmpty() || outcome.message().contains(checks) ? outcome.message()
                    : checks + ": " + outcome.message();
        }
        if (context.cause() == null) {
            return new ServiceRolledBack(deployment, toVersion, reason, null, null, null, null, null, healthCheck);
        }
        ConfigSynced sync = context.cause().data();
        return new ServiceRolledBack(deployment, toVersion, reason, sync.configRepository(), sync.branch(), key.file(),
                sync.toCommit(), sync.fromCommit(), healthCheck, text == null ? null : gitBlobId(text));
    }

    /**
     * Git's blob id of a definition as KV holds it (the mirror copies files byte for byte): the SHA-1 of
     * {@code "blob <length>\0"} and the bytes, which config-syncer compares with the file in the config repository.
     */
    static String gitBlobId(String text) {
        byte[] content = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            java.security.MessageDigest sha1 = java.security.MessageDigest.getInstance("SHA-1");
            sha1.update(("blob " + content.length + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return java.util.HexFormat.of().formatHex(sha1.digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
    }

    /** A definition's health checks as {@code HTTP /health}, {@code TCP}, {@code COMMAND <command>}, comma-separated. */
    static String healthChecks(JsonNode definition) {
        List<String> checks = new ArrayList<>();
        for (JsonNode check : definition.path("healthChecks")) {
            String protocol = check.path("protocol").asText("HTTP");
            String target = check.hasNonNull("path") ? " " + check.path("path").asText()
                    : check.path("command").hasNonNull("value") ? " " + check.path("command").path("value").asText() : "";
            checks.add(protocol + target);
        }
        return String.join(", ", checks);
    }

    /** PUT, waiting behind running deployments of the app on 409 (unless the environment forces). */
    private PutResult putQueued(String environment, String appId, JsonNode definition, Instant start) {
        boolean force = Optional.ofNullable(config.environments().get(environment))
                .map(ApplierConfig.Environment::force).orElse(false);
        Instant deadline = start.plus(config.deploymentDeadline());
        while (true) {
            try {
                return marathon.put(environment, appId, definition, force,
                        app -> DefinitionMatcher.runs(definition, app));
            } catch (LockedException locked) {
                Log.infof("%s is locked by deployments %s; queued behind them", appId, locked.deploymentIds());
                awaitGone(environment, locked.deploymentIds(), deadline);
            }
        }
    }

    private void awaitGone(String environment, List<String> deploymentIds, Instant deadline) {
        while (Instant.now().isBefore(deadline)) {
            List<String> running = marathon.runningDeployments(environment);
            if (deploymentIds.stream().noneMatch(running::contains)) {
                return;
            }
            sleep(config.pollInterval());
        }
        throw new PlatformException(409, "still locked by deployments " + deploymentIds + " at the deadline");
    }

    /**
     * Polls until the deployment is gone and the app runs the new version with enough healthy tasks. When Marathon
     * ends the deployment without that (its own deadline passed: a new app stays unhealthy, an update is rolled back),
     * that is the outcome at once, not at {@code deployment-deadline}.
     */
    Outcome follow(String environment, String appId, PutResult put, JsonNode definition) {
        Instant deadline = Instant.now().plus(config.deploymentDeadline());
        String lastState = "no tasks yet";
        long hints = 0;
        Instant endedAt = null; // when the deployment was first seen gone with the new version not (yet) healthy
        try {
            while (Instant.now().isBefore(deadline)) {
                boolean running = put.deploymentId() != null
                        && marathon.runningDeployments(environment).contains(put.deploymentId());
                Optional<JsonNode> app = marathon.app(environment, appId);
                if (app.isEmpty()) {
                    return Outcome.failed(DeploymentFailed.Reason.ERROR, "app " + appId + " disappeared during its deployment");
                }
                Convergence convergence = Convergence.of(app.get(), put.version());
                lastState = convergence.describe();
                // what runs must be what was sent: Marathon (or an operator) may have rolled the deployment back
                boolean runsWanted = definition == null || DefinitionMatcher.runs(definition, app.get());
                if (!running && runsWanted && convergence.converged()) {
                    return Outcome.ok();
                }
                if (!running && put.deploymentId() != null && !runsWanted) {
                    boolean checked = app.get().path("healthChecks").size() > 0 || definition.path("healthChecks").size() > 0;
                    return Outcome.failed(checked ? DeploymentFailed.Reason.HEALTH_CHECK : DeploymentFailed.Reason.ERROR,
                            "Marathon ended deployment " + put.deploymentId() + " without the new definition running"
                                    + (checked ? " healthy" : "") + "; the app now runs version "
                                    + app.get().path("version").asText() + " (" + lastState + ")");
                }
                if (!running && put.deploymentId() != null) {
                    endedAt = endedAt == null ? Instant.now() : endedAt;
                    if (endedUnhealthy(put.deploymentId(), endedAt)) {
                        return ended(put.deploymentId(), app.get(), convergence);
                    }
                }
                // Marathon's events wake us early; polling (above) decides
                if (put.deploymentId() == null) {
                    sleep(config.pollInterval());
                } else {
                    hints = events.awaitHint(environment, put.deploymentId(), hints, config.pollInterval());
                }
            }
        } finally {
            if (put.deploymentId() != null) {
                events.forget(put.deploymentId());
            }
        }
        boolean tasksStarted = !lastState.startsWith("0/");
        return Outcome.failed(tasksStarted ? DeploymentFailed.Reason.HEALTH_CHECK : DeploymentFailed.Reason.TIMEOUT,
                "deployment " + put.deploymentId() + " did not finish within " + config.deploymentDeadline() + ": "
                        + lastState);
    }

    /**
     * Whether a deployment that is gone while the new version is not running healthy has ended that way: at once when
     * Marathon's stream said {@code deployment_failed}; never when it said {@code deployment_success} (the task list
     * lags: keep polling); otherwise once it has stayed so for {@link #ENDED_CONFIRMATION}.
     */
    private boolean endedUnhealthy(String deploymentId, Instant endedAt) {
        if (events.reportedFailed(deploymentId)) {
            return true;
        }
        return !events.reportedSucceeded(deploymentId)
                && Duration.between(endedAt, Instant.now()).compareTo(ENDED_CONFIRMATION) >= 0;
    }

    /** The outcome of a deployment Marathon ended with the new version (still the app's) not running healthy. */
    private static Outcome ended(String deploymentId, JsonNode app, Convergence convergence) {
        String ended = "Marathon ended deployment " + deploymentId + " before the new version was "
                + (convergence.checked() ? "healthy" : "running") + " (" + convergence.describe() + ")";
        if (!convergence.checked()) {
            return Outcome.failed(DeploymentFailed.Reason.ERROR, ended);
        }
        String checks = Convergence.failingChecks(app);
        return Outcome.failed(DeploymentFailed.Reason.HEALTH_CHECK, checks.isEmpty() ? ended : ended + ": " + checks);
    }

    private boolean rollbackEnabled(String environment) {
        return Optional.ofNullable(config.environments().get(environment)).map(ApplierConfig.Environment::rollback)
                .orElse(false);
    }

    private static Deployment withVersion(Deployment planned, String version, String deploymentId, Instant start) {
        return new Deployment(planned.app(), planned.environment(), planned.target(), planned.targetId(), version,
                planned.image(), deploymentId, Duration.between(start, Instant.now()).toMillis());
    }

    /** The definition with the {@link #FILE_LABEL} label added (the file itself is never changed). */
    static JsonNode labelled(JsonNode file, DefinitionKey key) {
        if (!file.isObject()) {
            return file;
        }
        com.fasterxml.jackson.databind.node.ObjectNode copy = ((com.fasterxml.jackson.databind.node.ObjectNode) file).deepCopy();
        JsonNode labels = copy.path("labels");
        com.fasterxml.jackson.databind.node.ObjectNode withFile = labels.isObject()
                ? (com.fasterxml.jackson.databind.node.ObjectNode) labels : copy.putObject("labels");
        withFile.put(FILE_LABEL, key.file());
        return copy;
    }

    static String image(JsonNode definition) {
        String image = definition.path("container").path("docker").path("image").asText(null);
        return image != null ? image : definition.path("container").path("image").asText(null);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** How a followed deployment ended. */
    record Outcome(boolean success, DeploymentFailed.Reason reason, String message) {
        static Outcome ok() {
            return new Outcome(true, null, null);
        }

        static Outcome failed(DeploymentFailed.Reason reason, String message) {
            return new Outcome(false, reason, message);
        }
    }

    /** Whether an app's tasks run {@code version}: enough of them, running, and healthy where checks exist. */
    record Convergence(int wanted, int running, int healthy, boolean checked) {

        static Convergence of(JsonNode app, String version) {
            int wanted = app.path("instances").asInt(1);
            boolean checked = app.path("healthChecks").isArray() && app.path("healthChecks").size() > 0;
            // tasks of the current configuration: launched at or after its last config change (a scale-only change
            // keeps the old tasks, which keep their older version); versions are ISO timestamps, so they sort as text
            String configVersion = app.path("versionInfo").path("lastConfigChangeAt").asText(version);
            boolean current = version == null || app.path("version").asText("").compareTo(version) >= 0;
            int running = 0;
            int healthy = 0;
            for (JsonNode task : app.path("tasks")) {
                if (!current || (configVersion != null && task.path("version").asText("").compareTo(configVersion) < 0)) {
                    continue;
                }
                if (!"TASK_RUNNING".equals(task.path("state").asText("TASK_RUNNING"))) {
                    continue;
                }
                running++;
                JsonNode results = task.path("healthCheckResults");
                boolean alive = results.isArray() && results.size() > 0;
                for (JsonNode result : results) {
                    alive &= result.path("alive").asBoolean(false);
                }
                if (alive) {
                    healthy++;
                }
            }
            return new Convergence(wanted, running, healthy, checked);
        }

        boolean converged() {
            return running >= wanted && (!checked || healthy >= wanted);
        }

        String describe() {
            return running + "/" + wanted + " tasks of the new version running" + (checked ? ", " + healthy + " healthy" : "");
        }

        /**
         * The app's health checks that do not pass on all its tasks, each with the last failure they report, e.g. {@code health check HTTP /health
         * (port index 0) did not pass: HTTP 404 from ...}.
         */
        static String failingChecks(JsonNode app) {
            List<String> checks = new ArrayList<>();
            JsonNode healthChecks = app.path("healthChecks");
            for (int i = 0; i < healthChecks.size(); i++) {
                JsonNode check = healthChecks.get(i);
                String protocol = check.path("protocol").asText("HTTP");
                String target = protocol.contains("COMMAND") ? check.path("command").path("value").asText("")
                        : protocol.contains("HTTP") ? check.path("path").asText("/") : "";
                String port = check.has("port") ? "port " + check.path("port").asInt()
                        : "port index " + check.path("portIndex").asInt(0);
                String cause = null;
                boolean passes = app.path("tasks").size() > 0;
                for (JsonNode task : app.path("tasks")) {
                    JsonNode result = task.path("healthCheckResults").path(i);
                    passes &= result.path("alive").asBoolean(false);
                    if (!result.path("alive").asBoolean(false) && result.hasNonNull("lastFailureCause")) {
                        cause = result.path("lastFailureCause").asText();
                    }
                }
                if (passes) {
                    continue;
                }
                checks.add("health check " + protocol + (target.isEmpty() ? "" : " " + target) + " (" + port
                        + ") did not pass" + (cause == null ? "" : ": " + cause));
            }
            return String.join("; ", checks);
        }
    }
}
