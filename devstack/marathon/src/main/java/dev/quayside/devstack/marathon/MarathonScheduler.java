package dev.quayside.devstack.marathon;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Marathon stand-in's engine: apps and their versions, tasks (one Docker container each), deployments (start,
 * scale, rolling restart within {@code upgradeStrategy}, stop), health checks on the loopback host ports, launch
 * back-off and the event stream. All state lives under this object's lock; Docker calls run on a small pool and
 * health checks on Vert.x, and both report back under the lock.
 */
final class MarathonScheduler {

    private static final Logger LOG = Logger.getLogger(MarathonScheduler.class.getName());

    static final String STAGING = "TASK_STAGING";
    static final String RUNNING = "TASK_RUNNING";
    static final String KILLING = "TASK_KILLING";
    static final String SLAVE_ID = "quayside-devstack-127.0.0.1";
    static final String HOST = "127.0.0.1";
    /** A task without health checks that ran this long before failing resets its app's launch back-off. */
    static final long STABLE_MILLIS = 10_000;
    /** Within the grace period and before the first success, a failed health check is repeated this soon. */
    static final long FIRST_CHECK_RETRY_MILLIS = 200;

    static final class App {
        final String id;
        JsonObject definition;
        String version;
        String lastConfigChangeAt;
        String lastScalingAt;
        final TreeMap<String, JsonObject> versions = new TreeMap<>();
        long launchDelayMs;
        long nextLaunchAt;
        JsonObject lastTaskFailure;

        App(String id) {
            this.id = id;
        }

        int instances() {
            return definition.getInteger("instances", 1);
        }

        JsonArray healthChecks() {
            return definition.getJsonArray("healthChecks", new JsonArray());
        }
    }

    static final class Health {
        Boolean alive;
        int consecutiveFailures;
        String firstSuccess;
        String lastSuccess;
        String lastFailure;
        String lastFailureCause;
        boolean inFlight;
        long nextAt;
    }

    static final class Task {
        final String id;
        final String appId;
        final String version;
        final String configVersion;
        final JsonObject definition;
        final List<Integer> hostPorts;
        final String stagedAt;
        String startedAt;
        String containerId;
        String state = STAGING;
        boolean killRequested;
        boolean countAsFailure;
        Health[] health;

        Task(String id, String appId, String version, String configVersion, JsonObject definition,
                List<Integer> hostPorts, String stagedAt) {
            this.id = id;
            this.appId = appId;
            this.version = version;
            this.configVersion = configVersion;
            this.definition = definition;
            this.hostPorts = hostPorts;
            this.stagedAt = stagedAt;
            int checks = definition.getJsonArray("healthChecks", new JsonArray()).size();
            this.health = new Health[checks];
            for (int i = 0; i < checks; i++) {
                health[i] = new Health();
            }
        }

        boolean alive() {
            return !state.equals(KILLING);
        }

        boolean ready() {
            if (!state.equals(RUNNING)) {
                return false;
            }
            for (Health h : health) {
                if (!Boolean.TRUE.equals(h.alive)) {
                    return false;
                }
            }
            return true;
        }

        boolean healthy() {
            return health.length > 0 && ready();
        }

        boolean unhealthy() {
            for (Health h : health) {
                if (Boolean.FALSE.equals(h.alive)) {
                    return true;
                }
            }
            return false;
        }
    }

    static final class Deployment {
        final String id = UUID.randomUUID().toString();
        final String version;
        final String appId;
        final String action;
        final JsonObject original;
        final String originalVersion;
        final String originalConfigVersion;
        final String originalScalingAt;
        final JsonObject target;
        final long deadline;
        final String startedAt = Versions.now();

        Deployment(String version, String appId, String action, JsonObject original, String originalVersion,
                String originalConfigVersion, String originalScalingAt, JsonObject target, long deadline) {
            this.version = version;
            this.appId = appId;
            this.action = action;
            this.original = original;
            this.originalVersion = originalVersion;
            this.originalConfigVersion = originalConfigVersion;
            this.originalScalingAt = originalScalingAt;
            this.target = target;
            this.deadline = deadline;
        }

        boolean stop() {
            return action.equals("StopApplication");
        }
    }

    /** What a deploying call answers: the app (for 201) and the deployment. */
    record Result(JsonObject app, String deploymentId, String version, boolean created) {
        JsonObject deploymentBody() {
            return new JsonObject().put("deploymentId", deploymentId).put("version", version);
        }
    }

    private final Vertx vertx;
    private final DockerTasks docker;
    private final EventStream events;
    private final MarathonStandIn.Options options;
    private final ExecutorService dockerPool;
    private final HttpClient http;
    private final HttpClient https;
    private final NetClient tcp;
    private final Map<String, App> apps = new TreeMap<>();
    private final Map<String, Task> tasks = new LinkedHashMap<>();
    private final Map<String, Deployment> deployments = new LinkedHashMap<>();
    private final StateFile state;
    private long tickTimer = -1;
    private long pollTimer = -1;
    private volatile boolean polling;
    private volatile boolean closed;

    MarathonScheduler(Vertx vertx, DockerTasks docker, EventStream events, MarathonStandIn.Options options) {
        this.vertx = vertx;
        this.docker = docker;
        this.events = events;
        this.options = options;
        this.dockerPool = Executors.newFixedThreadPool(options.dockerThreads, r -> {
            Thread t = new Thread(r, "marathon-stand-in-docker");
            t.setDaemon(true);
            return t;
        });
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setMaxPoolSize(64));
        this.https = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setSsl(true).setTrustAll(true)
                .setVerifyHost(false).setMaxPoolSize(16));
        this.tcp = vertx.createNetClient(new NetClientOptions().setConnectTimeout(2000));
        this.state = options.stateDir == null ? null : new StateFile(options.stateDir.resolve("marathon-apps.json"));
    }

    // ---------------------------------------------------------------------------------------------- state file

    private void load(JsonObject snapshot) {
        if (snapshot == null) {
            return;
        }
        synchronized (this) {
            for (Object o : snapshot.getJsonArray("apps", new JsonArray())) {
                JsonObject a = (JsonObject) o;
                App app = new App(a.getString("id"));
                app.definition = a.getJsonObject("definition");
                app.version = a.getString("version");
                app.lastConfigChangeAt = a.getString("lastConfigChangeAt");
                app.lastScalingAt = a.getString("lastScalingAt");
                a.getJsonObject("versions", new JsonObject()).forEach(v -> app.versions.put(v.getKey(),
                        (JsonObject) v.getValue()));
                apps.put(app.id, app);
            }
        }
    }

    /** Saves the apps (definitions and versions) when a state directory is configured; call under the lock. */
    private void persist() {
        if (state == null) {
            return;
        }
        JsonArray list = new JsonArray();
        for (App app : apps.values()) {
            JsonObject versions = new JsonObject();
            app.versions.forEach(versions::put);
            list.add(new JsonObject().put("id", app.id).put("definition", app.definition).put("version", app.version)
                    .put("lastConfigChangeAt", app.lastConfigChangeAt).put("lastScalingAt", app.lastScalingAt)
                    .put("versions", versions));
        }
        state.write(new JsonObject().put("apps", list));
    }

    // ---------------------------------------------------------------------------------------------- lifecycle

    /** Re-adopts the containers a previous run of this stand-in left, then starts the loops. */
    void start() {
        if (state != null) {
            load(state.read());
        }
        adopt();
        tickTimer = vertx.setPeriodic(options.tickMillis, id -> tick());
        pollTimer = vertx.setPeriodic(1000, id -> pollContainers());
    }

    private void adopt() {
        List<DockerTasks.Owned> owned = docker.list(DockerTasks.LABEL_STAND_IN, options.standInId);
        synchronized (this) {
            Map<String, JsonObject> newest = new HashMap<>();
            Map<String, String> newestVersion = new HashMap<>();
            for (DockerTasks.Owned c : owned) {
                Map<String, String> labels = c.labels();
                String appId = labels.get(DockerTasks.LABEL_APP_ID);
                String version = labels.get(DockerTasks.LABEL_APP_VERSION);
                String def = labels.get(DockerTasks.LABEL_APP_DEFINITION);
                if (appId == null || version == null || def == null || !c.running()) {
                    dockerPool.submit(() -> docker.remove(c.id()));
                    continue;
                }
                if (!newestVersion.containsKey(appId) || newestVersion.get(appId).compareTo(version) < 0) {
                    newestVersion.put(appId, version);
                    newest.put(appId, new JsonObject(def));
                }
            }
            newest.forEach((appId, def) -> {
                if (apps.containsKey(appId)) {
                    return; // known from the state file, with its versions
                }
                if (state != null && state.existed()) {
                    return; // deleted while its containers survived: they are removed below
                }
                App app = new App(appId);
                String version = newestVersion.get(appId);
                app.definition = def;
                app.version = version;
                app.lastConfigChangeAt = version;
                app.lastScalingAt = version;
                app.versions.put(version, def);
                apps.put(appId, app);
            });
            for (DockerTasks.Owned c : owned) {
                Map<String, String> labels = c.labels();
                App app = apps.get(labels.get(DockerTasks.LABEL_APP_ID));
                if (!c.running()) {
                    continue;
                }
                if (app == null) {
                    if (labels.containsKey(DockerTasks.LABEL_APP_ID)) {
                        dockerPool.submit(() -> docker.stopAndRemove(c.id(), 0));
                    }
                    continue;
                }
                JsonObject def = new JsonObject(labels.get(DockerTasks.LABEL_APP_DEFINITION));
                String configVersion = labels.getOrDefault("quayside.marathon.config-version",
                        labels.get(DockerTasks.LABEL_APP_VERSION));
                if (AppDefinitions.config(def).equals(AppDefinitions.config(app.definition))) {
                    configVersion = app.lastConfigChangeAt;
                }
                List<Integer> ports = new ArrayList<>();
                String portLabel = labels.getOrDefault(DockerTasks.LABEL_HOST_PORTS, "");
                for (String p : portLabel.split(",")) {
                    if (!p.isBlank()) {
                        ports.add(Integer.parseInt(p.trim()));
                    }
                }
                Task task = new Task(labels.get(DockerTasks.LABEL_TASK_ID), app.id,
                        labels.get(DockerTasks.LABEL_APP_VERSION), configVersion, def, ports,
                        labels.getOrDefault(DockerTasks.LABEL_STAGED_AT, Versions.now()));
                task.containerId = c.id();
                task.state = RUNNING;
                task.startedAt = task.stagedAt;
                tasks.put(task.id, task);
            }
            if (!owned.isEmpty()) {
                LOG.info(() -> "Re-adopted " + tasks.size() + " task(s) of " + apps.size() + " app(s)");
            }
        }
    }

    /** Stops the loops; with {@code stopTasks} also stops and removes every container of this stand-in. */
    void close(boolean stopTasks) {
        closed = true;
        vertx.cancelTimer(tickTimer);
        vertx.cancelTimer(pollTimer);
        if (stopTasks) {
            List<String> ids = new ArrayList<>();
            synchronized (this) {
                for (Task t : tasks.values()) {
                    if (t.containerId != null) {
                        ids.add(t.containerId);
                    }
                }
            }
            List<java.util.concurrent.Future<?>> pending = new ArrayList<>();
            for (String id : ids) {
                pending.add(dockerPool.submit(() -> docker.stopAndRemove(id, 0)));
            }
            waitFor(pending, 30);
        }
        dockerPool.shutdown();
        try {
            dockerPool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopTasks) {
            // anything else labelled for this stand-in: tasks that were still starting, leftovers
            docker.removeAll(options.standInId, DockerTasks.LABEL_TASK_ID);
        }
        if (state != null) {
            state.close();
        }
        http.close();
        https.close();
        tcp.close();
    }

    private static void waitFor(List<java.util.concurrent.Future<?>> pending, int seconds) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (java.util.concurrent.Future<?> f : pending) {
            try {
                f.get(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                // best effort
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- queries

    synchronized JsonArray listApps(String idFilter, String cmdFilter, String labelSelector, Set<String> embed) {
        JsonArray list = new JsonArray();
        for (App app : apps.values()) {
            if (idFilter != null && !app.id.contains(idFilter)) {
                continue;
            }
            if (cmdFilter != null && !app.definition.getString("cmd", "").contains(cmdFilter)) {
                continue;
            }
            if (labelSelector != null && !Labels.matches(labelSelector, app.definition.getJsonObject("labels"))) {
                continue;
            }
            list.add(appJson(app, embed.contains("apps.tasks") || embed.contains("app.tasks"),
                    embed.contains("apps.lastTaskFailure") || embed.contains("app.lastTaskFailure")));
        }
        return list;
    }

    synchronized JsonObject app(String id) {
        App app = require(id);
        return appJson(app, true, true);
    }

    synchronized JsonArray appTasks(String id) {
        App app = require(id);
        JsonArray list = new JsonArray();
        for (Task t : tasks.values()) {
            if (t.appId.equals(app.id)) {
                list.add(taskJson(t));
            }
        }
        return list;
    }

    synchronized JsonArray allTasks() {
        JsonArray list = new JsonArray();
        for (Task t : tasks.values()) {
            list.add(taskJson(t));
        }
        return list;
    }

    synchronized JsonArray versions(String id) {
        App app = require(id);
        return new JsonArray(new ArrayList<>(app.versions.descendingKeySet()));
    }

    synchronized JsonObject version(String id, String version) {
        App app = require(id);
        JsonObject def = app.versions.get(version);
        if (def == null) {
            throw ApiException.message(404, "App '" + app.id + "' does not exist in version " + version);
        }
        return def.copy().put("version", version);
    }

    synchronized JsonArray deployments() {
        JsonArray list = new JsonArray();
        for (Deployment d : deployments.values()) {
            list.add(deploymentJson(d));
        }
        return list;
    }

    private App require(String id) {
        String abs = AppDefinitions.absolute(id);
        App app = apps.get(abs);
        if (app == null) {
            throw ApiException.notFound(abs);
        }
        return app;
    }

    // ---------------------------------------------------------------------------------------------- changes

    /** {@code POST /v2/apps}: 201 with the app, 409 when it exists. */
    synchronized Result create(JsonObject body, String remote, String uri) {
        JsonObject def = AppDefinitions.withDefaults(body);
        String id = def.getString("id");
        if (apps.containsKey(id)) {
            throw ApiException.message(409, "An app with id [" + id + "] already exists.");
        }
        lockCheck(id, false);
        return createApp(def, remote, uri);
    }

    private Result createApp(JsonObject def, String remote, String uri) {
        String id = def.getString("id");
        String version = Versions.next();
        App app = new App(id);
        app.definition = def;
        app.version = version;
        app.lastConfigChangeAt = version;
        app.lastScalingAt = version;
        app.versions.put(version, def);
        apps.put(id, app);
        apiPost(remote, uri, def, version);
        Deployment d = startDeployment(new Deployment(version, id, "StartApplication", null, null, null, null, def,
                deadline()));
        return new Result(appJson(app, true, false), d.id, version, true);
    }

    /**
     * {@code PUT /v2/apps/{id}} (and {@code PATCH}): creates (201) or updates (200) the app; {@code {"version": v}}
     * rolls back to version v.
     */
    synchronized Result put(String rawId, JsonObject body, boolean force, boolean partial, String remote, String uri) {
        String id = AppDefinitions.absolute(rawId);
        App app = apps.get(id);
        JsonObject def;
        if (body.containsKey("version")) {
            for (String key : body.fieldNames()) {
                if (!key.equals("id") && !key.equals("version")) {
                    throw ApiException.notValid(new JsonArray().add(new JsonObject().put("path", "/")
                            .put("errors", new JsonArray().add(AppDefinitions.VERSION_ONLY_WITH_ID))));
                }
            }
            if (app == null) {
                throw ApiException.notFound(id);
            }
            JsonObject old = app.versions.get(String.valueOf(body.getValue("version")));
            if (old == null) {
                throw ApiException.message(404, "App '" + id + "' does not exist in version " + body.getValue("version"));
            }
            def = old.copy();
        } else {
            JsonObject merged;
            if (app != null && partial) {
                merged = app.definition.copy();
                body.forEach(e -> merged.put(e.getKey(), e.getValue()));
            } else {
                merged = body.copy();
            }
            merged.put("id", id);
            AppDefinitions.validate(merged);
            def = AppDefinitions.withDefaults(merged);
        }
        if (app == null) {
            lockCheck(id, force);
            return createApp(def, remote, uri);
        }
        lockCheck(id, force);
        return update(app, def, false, remote, uri);
    }

    /** {@code POST /v2/apps/{id}/restart}: replaces every task with the same definition. */
    synchronized Result restart(String rawId, boolean force, String remote, String uri) {
        App app = require(rawId);
        lockCheck(app.id, force);
        return update(app, app.definition.copy(), true, remote, uri);
    }

    private Result update(App app, JsonObject def, boolean restart, String remote, String uri) {
        String version = Versions.next();
        JsonObject original = app.definition;
        String originalVersion = app.version;
        String originalConfig = app.lastConfigChangeAt;
        String originalScaling = app.lastScalingAt;
        boolean configChanged = restart
                || !AppDefinitions.config(original).equals(AppDefinitions.config(def));
        app.definition = def;
        app.version = version;
        if (configChanged) {
            app.lastConfigChangeAt = version;
            app.launchDelayMs = 0;
            app.nextLaunchAt = 0;
        }
        app.lastScalingAt = version;
        app.versions.put(version, def);
        while (app.versions.size() > options.maxVersions) {
            app.versions.pollFirstEntry();
        }
        apiPost(remote, uri, def, version);
        Deployment d = startDeployment(new Deployment(version, app.id,
                configChanged ? "RestartApplication" : "ScaleApplication", original, originalVersion, originalConfig,
                originalScaling, def, deadline()));
        return new Result(appJson(app, true, false), d.id, version, false);
    }

    /** {@code DELETE /v2/apps/{id}}: the app disappears at once; its tasks are killed by a StopApplication deployment. */
    synchronized Result delete(String rawId, boolean force, String remote, String uri) {
        App app = require(rawId);
        lockCheck(app.id, force);
        apps.remove(app.id);
        String version = Versions.next();
        Deployment d = startDeployment(new Deployment(version, app.id, "StopApplication", app.definition,
                app.version, app.lastConfigChangeAt, app.lastScalingAt, null, deadline()));
        return new Result(null, d.id, version, false);
    }

    /** {@code DELETE /v2/apps/{id}/tasks/{taskId}}: kills one task (Marathon starts a replacement unless scale). */
    synchronized JsonObject killTask(String rawId, String taskId, boolean scale) {
        App app = require(rawId);
        Task task = tasks.get(taskId);
        if (task == null || !task.appId.equals(app.id)) {
            throw ApiException.message(404, "Task '" + taskId + "' does not exist");
        }
        JsonObject json = taskJson(task);
        if (scale) {
            app.definition = app.definition.copy().put("instances", Math.max(0, app.instances() - 1));
            String version = Versions.next();
            app.version = version;
            app.lastScalingAt = version;
            app.versions.put(version, app.definition);
            persist();
        }
        kill(task, false);
        return json;
    }

    /**
     * {@code DELETE /v2/deployments/{id}}: without force, rolls back (a new deployment to the original definition;
     * returns it); with force, just stops following the plan (returns null, answered 202).
     */
    synchronized Result cancel(String deploymentId, boolean force) {
        Deployment d = deployments.get(deploymentId);
        if (d == null) {
            throw ApiException.message(404, "DeploymentPlan " + deploymentId + " does not exist");
        }
        deployments.remove(d.id);
        publishDeploymentEnd(d, false, force ? "canceled with force" : "canceled and rolled back");
        if (force) {
            return null;
        }
        App app = apps.get(d.appId);
        if (d.original == null) {
            // rolling back a start = removing the app
            if (app == null) {
                return null;
            }
            apps.remove(app.id);
            String version = Versions.next();
            Deployment stop = startDeployment(new Deployment(version, app.id, "StopApplication", app.definition,
                    app.version, app.lastConfigChangeAt, app.lastScalingAt, null, deadline()));
            return new Result(null, stop.id, version, false);
        }
        if (app == null) {
            app = new App(d.appId);
            app.definition = d.original;
            app.version = d.originalVersion;
            app.lastConfigChangeAt = d.originalConfigVersion;
            app.lastScalingAt = d.originalScalingAt;
            app.versions.put(d.originalVersion, d.original);
            apps.put(app.id, app);
            String version = Versions.next();
            Deployment start = startDeployment(new Deployment(version, app.id, "StartApplication", null, null, null,
                    null, d.original, deadline()));
            return new Result(null, start.id, version, false);
        }
        return update(app, d.original.copy(), false, null, null);
    }

    private void lockCheck(String appId, boolean force) {
        List<Deployment> locking = new ArrayList<>();
        for (Deployment d : deployments.values()) {
            if (d.appId.equals(appId)) {
                locking.add(d);
            }
        }
        if (locking.isEmpty()) {
            return;
        }
        if (!force) {
            JsonArray ids = new JsonArray();
            locking.forEach(d -> ids.add(new JsonObject().put("id", d.id)));
            throw new ApiException(409, new JsonObject().put("message",
                    "App is locked by one or more deployments. Override with the option '?force=true'. "
                            + "View details at '/v2/deployments/<DEPLOYMENT_ID>'.")
                    .put("deployments", ids));
        }
        for (Deployment d : locking) {
            deployments.remove(d.id);
            publishDeploymentEnd(d, false, "superseded by a forced change");
        }
    }

    private long deadline() {
        return System.currentTimeMillis() + options.deploymentTimeout.toMillis();
    }

    private void apiPost(String remote, String uri, JsonObject def, String version) {
        if (uri == null) {
            return;
        }
        events.publish(EventStream.event("api_post_event").put("clientIp", remote).put("remoteAddress", remote)
                .put("uri", uri).put("appDefinition", def.copy().put("version", version)));
    }

    private Deployment startDeployment(Deployment d) {
        deployments.put(d.id, d);
        persist();
        events.publish(EventStream.event("deployment_info").put("plan", planJson(d))
                .put("currentStep", stepJson(d)));
        return d;
    }

    private void finish(Deployment d) {
        deployments.remove(d.id);
        events.publish(EventStream.event("deployment_step_success").put("plan", planJson(d))
                .put("currentStep", stepJson(d)));
        publishDeploymentEnd(d, true, null);
        if (d.stop()) {
            events.publish(EventStream.event("app_terminated_event").put("appId", d.appId));
        }
    }

    private void publishDeploymentEnd(Deployment d, boolean success, String reason) {
        if (!success) {
            events.publish(EventStream.event("deployment_step_failure").put("plan", planJson(d))
                    .put("currentStep", stepJson(d)));
        }
        JsonObject event = EventStream.event(success ? "deployment_success" : "deployment_failed").put("id", d.id)
                .put("plan", planJson(d));
        if (reason != null) {
            event.put("reason", reason);
        }
        events.publish(event);
    }

    /** The deadline passed: deployment_failed, and (for updates) back to the original definition. */
    private void fail(Deployment d, String reason) {
        deployments.remove(d.id);
        publishDeploymentEnd(d, false, reason);
        App app = apps.get(d.appId);
        if (app == null || d.original == null || !options.rollbackFailedDeployments) {
            return;
        }
        String failedConfig = app.lastConfigChangeAt;
        String version = Versions.next();
        app.definition = d.original;
        app.version = version;
        app.lastConfigChangeAt = d.originalConfigVersion;
        app.lastScalingAt = version;
        app.versions.put(version, d.original);
        persist();
        app.launchDelayMs = 0;
        app.nextLaunchAt = 0;
        for (Task t : new ArrayList<>(tasks.values())) {
            if (t.appId.equals(app.id) && t.configVersion.equals(failedConfig)
                    && !failedConfig.equals(d.originalConfigVersion)) {
                kill(t, false);
            }
        }
        LOG.info(() -> "Deployment " + d.id + " of " + d.appId + " failed (" + reason + "); back to version "
                + d.originalVersion);
    }

    // ---------------------------------------------------------------------------------------------- the loop

    synchronized void tick() {
        if (closed) {
            return;
        }
        long now = System.currentTimeMillis();
        for (Deployment d : new ArrayList<>(deployments.values())) {
            if (d.stop()) {
                reconcileStop(d);
            } else {
                App app = apps.get(d.appId);
                if (app == null) {
                    deployments.remove(d.id);
                    continue;
                }
                reconcileDeployment(d, app, now);
            }
        }
        for (App app : apps.values()) {
            if (!locked(app.id)) {
                reconcileSteady(app, now);
            }
        }
        for (Task t : tasks.values()) {
            if (t.state.equals(RUNNING)) {
                for (int i = 0; i < t.health.length; i++) {
                    Health h = t.health[i];
                    if (!h.inFlight && now >= h.nextAt) {
                        check(t, i, now);
                    }
                }
            }
        }
    }

    private boolean locked(String appId) {
        for (Deployment d : deployments.values()) {
            if (d.appId.equals(appId)) {
                return true;
            }
        }
        return false;
    }

    private List<Task> tasksOf(String appId) {
        List<Task> list = new ArrayList<>();
        for (Task t : tasks.values()) {
            if (t.appId.equals(appId)) {
                list.add(t);
            }
        }
        return list;
    }

    private void reconcileStop(Deployment d) {
        List<Task> list = tasksOf(d.appId);
        if (list.isEmpty()) {
            finish(d);
            return;
        }
        for (Task t : list) {
            if (t.alive()) {
                kill(t, false);
            }
        }
    }

    private void reconcileDeployment(Deployment d, App app, long now) {
        int n = app.instances();
        JsonObject strategy = app.definition.getJsonObject("upgradeStrategy", new JsonObject());
        double mhc = strategy.getDouble("minimumHealthCapacity", 1.0);
        double moc = strategy.getDouble("maximumOverCapacity", 1.0);
        int minHealthy = (int) Math.ceil(n * mhc);
        int maxCapacity = Math.max(n, (int) Math.floor(n + n * moc));
        List<Task> all = tasksOf(app.id);
        List<Task> fresh = new ArrayList<>();
        List<Task> old = new ArrayList<>();
        int killingCount = 0;
        for (Task t : all) {
            if (!t.alive()) {
                killingCount++;
            } else if (t.configVersion.equals(app.lastConfigChangeAt)) {
                fresh.add(t);
            } else {
                old.add(t);
            }
        }
        int freshReady = (int) fresh.stream().filter(Task::ready).count();
        if (freshReady >= n && fresh.size() == n && old.isEmpty() && killingCount == 0) {
            finish(d);
            return;
        }
        if (now > d.deadline) {
            fail(d, "new tasks of " + app.id + " did not become healthy within "
                    + options.deploymentTimeout.toSeconds() + "s");
            return;
        }
        // scale down surplus new tasks, not-ready and youngest first
        if (fresh.size() > n) {
            fresh.sort(Comparator.comparing(Task::ready).thenComparing((Task t) -> t.stagedAt,
                    Comparator.reverseOrder()));
            for (Task t : new ArrayList<>(fresh.subList(0, fresh.size() - n))) {
                kill(t, false);
                fresh.remove(t);
                killingCount++;
            }
        }
        // kill old tasks as far as the minimum health capacity allows, counting only the tasks that are healthy now
        // (an old task failing a check does not hold capacity up); not-ready first, then unhealthy, then oldest
        int oldReady = (int) old.stream().filter(Task::ready).count();
        int canKill = (old.size() - oldReady) + Math.max(0, Math.min(oldReady, oldReady + freshReady - minHealthy));
        if (n == 0) {
            canKill = old.size();
        }
        old.sort(Comparator.comparing(Task::ready).thenComparing((Task t) -> !t.unhealthy())
                .thenComparing(t -> t.stagedAt));
        int killed = 0;
        for (int i = 0; i < canKill; i++) {
            kill(old.get(i), false);
            killed++;
        }
        int oldLeft = old.size() - killed;
        // a task being killed still runs: it counts against the capacity until its container is gone
        int toStart = Math.min(n - fresh.size(), maxCapacity - oldLeft - fresh.size() - killingCount - killed);
        if (toStart <= 0 && fresh.size() < n && killed == 0 && killingCount == 0
                && fresh.stream().allMatch(Task::ready)) {
            toStart = 1; // neither a kill nor a start is allowed: go one over capacity, as Marathon does
        }
        launch(app, toStart, now);
    }

    private void reconcileSteady(App app, long now) {
        int n = app.instances();
        List<Task> all = tasksOf(app.id);
        List<Task> alive = new ArrayList<>();
        for (Task t : all) {
            if (t.alive()) {
                alive.add(t);
            }
        }
        if (all.size() < n) {
            // a task being killed keeps its slot until its container is gone: kill first, then relaunch
            launch(app, n - all.size(), now);
        } else if (alive.size() > n) {
            alive.sort(Comparator.comparing((Task t) -> t.configVersion.equals(app.lastConfigChangeAt))
                    .thenComparing((Task t) -> t.stagedAt, Comparator.reverseOrder()));
            for (Task t : alive.subList(0, alive.size() - n)) {
                kill(t, false);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- tasks

    private void launch(App app, int count, long now) {
        if (count <= 0 || now < app.nextLaunchAt) {
            return;
        }
        for (int i = 0; i < count; i++) {
            launchOne(app);
        }
    }

    private void launchOne(App app) {
        JsonObject def = app.definition;
        String taskId = app.id.substring(1).replace('/', '_') + "." + UUID.randomUUID();
        List<JsonObject> mappings = AppDefinitions.portMappings(def);
        List<DockerTasks.PortBinding> bindings = new ArrayList<>();
        List<Integer> hostPorts = new ArrayList<>();
        if (!mappings.isEmpty()) {
            for (JsonObject m : mappings) {
                int hostPort = m.getInteger("hostPort", 0);
                if (hostPort == 0) {
                    hostPort = DockerTasks.freePort();
                }
                int containerPort = m.getInteger("containerPort", 0);
                if (containerPort == 0) {
                    containerPort = hostPort;
                }
                String protocol = m.getString("protocol", "tcp").split(",")[0];
                bindings.add(new DockerTasks.PortBinding(containerPort, hostPort, protocol));
                hostPorts.add(hostPort);
            }
        } else {
            JsonArray defs = def.getJsonArray("portDefinitions", new JsonArray());
            for (int i = 0; i < defs.size(); i++) {
                JsonObject p = defs.getJsonObject(i);
                int port = def.getBoolean("requirePorts", false) && p.getInteger("port", 0) != 0
                        ? p.getInteger("port") : DockerTasks.freePort();
                bindings.add(new DockerTasks.PortBinding(port, port, p.getString("protocol", "tcp").split(",")[0]));
                hostPorts.add(port);
            }
        }
        Task task = new Task(taskId, app.id, app.version, app.lastConfigChangeAt, def, hostPorts, Versions.now());
        tasks.put(taskId, task);
        statusUpdate(task, STAGING, "");
        DockerTasks.Spec spec;
        try {
            spec = spec(app, def, task, bindings);
        } catch (IllegalStateException e) {
            taskEnded(task, "TASK_FAILED", e.getMessage(), true);
            return;
        }
        dockerPool.submit(() -> {
            try {
                String containerId = docker.run(spec);
                started(task, containerId);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                String message = e.getMessage() == null ? e.toString() : e.getMessage().trim();
                synchronized (this) {
                    taskEnded(task, "TASK_FAILED", "Failed to launch container: " + message, true);
                }
            }
        });
    }

    private DockerTasks.Spec spec(App app, JsonObject def, Task task, List<DockerTasks.PortBinding> bindings) {
        JsonObject container = def.getJsonObject("container");
        JsonObject dockerDef = container == null ? null : container.getJsonObject("docker");
        String image = dockerDef == null ? null : dockerDef.getString("image");
        if (image == null || image.isBlank()) {
            image = options.defaultImage;
        }
        if (image == null) {
            throw new IllegalStateException("App " + app.id + " has no container.docker.image and the stand-in has "
                    + "no default image (MarathonStandIn.Options.defaultImage)");
        }
        boolean forcePull = dockerDef != null && dockerDef.getBoolean("forcePullImage", false);
        List<String> entrypoint = null;
        List<String> cmd = null;
        if (def.getString("cmd") != null) {
            entrypoint = List.of("/bin/sh", "-c");
            cmd = List.of(def.getString("cmd"));
        } else if (def.getJsonArray("args") != null && !def.getJsonArray("args").isEmpty()) {
            cmd = new ArrayList<>();
            for (Object a : def.getJsonArray("args")) {
                cmd.add(String.valueOf(a));
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        def.getJsonObject("env", new JsonObject()).forEach(e -> env.put(e.getKey(), String.valueOf(e.getValue())));
        env.put("MARATHON_APP_ID", app.id);
        env.put("MARATHON_APP_VERSION", task.version);
        env.put("MARATHON_APP_DOCKER_IMAGE", image);
        env.put("MARATHON_APP_RESOURCE_CPUS", String.valueOf(def.getValue("cpus")));
        env.put("MARATHON_APP_RESOURCE_MEM", String.valueOf(def.getValue("mem")));
        env.put("MARATHON_APP_RESOURCE_DISK", String.valueOf(def.getValue("disk")));
        JsonObject appLabels = def.getJsonObject("labels", new JsonObject());
        env.put("MARATHON_APP_LABELS", String.join(" ", appLabels.fieldNames().stream()
                .map(MarathonScheduler::envName).toList()));
        appLabels.forEach(e -> env.put("MARATHON_APP_LABEL_" + envName(e.getKey()), String.valueOf(e.getValue())));
        env.put("MESOS_TASK_ID", task.id);
        env.put("HOST", HOST);
        List<String> ports = new ArrayList<>();
        for (int i = 0; i < task.hostPorts.size(); i++) {
            env.put("PORT" + i, String.valueOf(task.hostPorts.get(i)));
            env.put("PORT_" + bindings.get(i).containerPort(), String.valueOf(task.hostPorts.get(i)));
            ports.add(String.valueOf(task.hostPorts.get(i)));
        }
        if (!ports.isEmpty()) {
            env.put("PORT", ports.get(0));
            env.put("PORTS", String.join(",", ports));
        }
        List<String> envList = new ArrayList<>();
        env.forEach((k, v) -> envList.add(k + "=" + v));
        Map<String, String> labels = new LinkedHashMap<>();
        appLabels.forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
        labels.put(DockerTasks.LABEL_DEVSTACK, "marathon");
        labels.put(DockerTasks.LABEL_STAND_IN, options.standInId);
        labels.put(DockerTasks.LABEL_APP_ID, app.id);
        labels.put(DockerTasks.LABEL_APP_VERSION, task.version);
        labels.put("quayside.marathon.config-version", task.configVersion);
        labels.put(DockerTasks.LABEL_TASK_ID, task.id);
        labels.put(DockerTasks.LABEL_STAGED_AT, task.stagedAt);
        labels.put(DockerTasks.LABEL_HOST_PORTS, String.join(",", ports));
        labels.put(DockerTasks.LABEL_APP_DEFINITION, def.encode());
        String name = "marathon-" + task.id.replaceAll("[^a-zA-Z0-9_.-]", "_");
        return new DockerTasks.Spec(name, image, forcePull, entrypoint, cmd, envList, labels, bindings,
                def.getDouble("cpus", 0.0), def.getDouble("mem", 0.0));
    }

    private static String envName(String label) {
        return label.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
    }

    private synchronized void started(Task task, String containerId) {
        task.containerId = containerId;
        if (task.killRequested || closed || !tasks.containsKey(task.id)) {
            int grace = killGrace(task);
            dockerPool.submit(() -> {
                docker.stop(containerId, grace);
                synchronized (this) {
                    taskEnded(task, "TASK_KILLED", "", false);
                }
                docker.remove(containerId);
            });
            return;
        }
        task.state = RUNNING;
        task.startedAt = Versions.now();
        long now = System.currentTimeMillis();
        for (Health h : task.health) {
            h.nextAt = now;
        }
        statusUpdate(task, RUNNING, "");
    }

    private void resetBackoff(String appId) {
        App app = apps.get(appId);
        if (app != null) {
            app.launchDelayMs = 0;
            app.nextLaunchAt = 0;
        }
    }

    private int killGrace(Task task) {
        Object grace = task.definition.getValue("taskKillGracePeriodSeconds");
        return grace instanceof Number n ? n.intValue() : options.defaultKillGraceSeconds;
    }

    /** Kills a task: stop signal, grace period, SIGKILL; TASK_KILLED when the container is gone. */
    private void kill(Task task, boolean failure) {
        if (task.killRequested) {
            return;
        }
        task.killRequested = true;
        task.countAsFailure = failure;
        String previous = task.state;
        task.state = KILLING;
        if (task.containerId == null && previous.equals(STAGING)) {
            return; // started() stops it as soon as the container exists
        }
        String containerId = task.containerId;
        int grace = killGrace(task);
        dockerPool.submit(() -> {
            docker.stop(containerId, grace);
            synchronized (this) {
                taskEnded(task, "TASK_KILLED", failure ? "killed as unhealthy" : "", failure);
            }
            docker.remove(containerId); // the task is dead once stopped; removing the file system can follow
        });
    }

    /** A task is over: status update, forget it, and back off the app's launches after a failure. */
    private void taskEnded(Task task, String status, String message, boolean failure) {
        if (tasks.remove(task.id) == null) {
            return;
        }
        statusUpdate(task, status, message);
        App app = apps.get(task.appId);
        if (failure && app != null) {
            app.lastTaskFailure = new JsonObject().put("appId", app.id).put("host", HOST).put("message", message)
                    .put("state", status).put("taskId", task.id).put("timestamp", Versions.now())
                    .put("version", task.version).put("slaveId", SLAVE_ID);
            if (task.configVersion.equals(app.lastConfigChangeAt)) {
                if (task.startedAt != null && System.currentTimeMillis()
                        - Versions.parse(task.startedAt).toEpochMilli() > STABLE_MILLIS) {
                    app.launchDelayMs = 0; // it ran fine for a while: start the back-off afresh
                }
                double backoff = app.definition.getDouble("backoffSeconds", 1.0) * 1000;
                double factor = app.definition.getDouble("backoffFactor", 1.15);
                double max = app.definition.getDouble("maxLaunchDelaySeconds", 300.0) * 1000;
                app.launchDelayMs = app.launchDelayMs == 0 ? (long) backoff
                        : (long) Math.min(max, app.launchDelayMs * factor);
                app.nextLaunchAt = System.currentTimeMillis() + app.launchDelayMs;
            }
        }
    }

    /** Reconciles again right away (after the current one), instead of waiting for the next tick. */
    private void nudge() {
        if (!closed) {
            vertx.runOnContext(v -> tick());
        }
    }

    private void statusUpdate(Task task, String status, String message) {
        nudge();
        events.publish(EventStream.event("status_update_event").put("slaveId", SLAVE_ID).put("taskId", task.id)
                .put("taskStatus", status).put("message", message).put("appId", task.appId).put("host", HOST)
                .put("ipAddresses", new JsonArray().add(new JsonObject().put("ipAddress", HOST)
                        .put("protocol", "IPv4")))
                .put("ports", new JsonArray(new ArrayList<>(task.hostPorts))).put("version", task.version));
    }

    /** Notices containers that exited on their own (TASK_FAILED / TASK_FINISHED) and removes strays. */
    private void pollContainers() {
        if (polling || closed) {
            return;
        }
        polling = true;
        dockerPool.submit(() -> {
            try {
                List<DockerTasks.Owned> owned = docker.list(DockerTasks.LABEL_STAND_IN, options.standInId);
                Map<String, DockerTasks.Owned> byTask = new HashMap<>();
                for (DockerTasks.Owned c : owned) {
                    String taskId = c.labels().get(DockerTasks.LABEL_TASK_ID);
                    if (taskId != null) {
                        byTask.put(taskId, c);
                    }
                }
                List<Task> exited = new ArrayList<>();
                List<String> strays = new ArrayList<>();
                synchronized (this) {
                    for (Task t : tasks.values()) {
                        if (t.state.equals(RUNNING) && t.containerId != null) {
                            DockerTasks.Owned c = byTask.get(t.id);
                            if (c == null || !c.running()) {
                                exited.add(t);
                            }
                        }
                    }
                    byTask.forEach((taskId, c) -> {
                        if (!tasks.containsKey(taskId) && c.labels().containsKey(DockerTasks.LABEL_APP_ID)) {
                            strays.add(c.id());
                        }
                    });
                }
                for (Task t : exited) {
                    DockerTasks.Exit exit = docker.exit(t.containerId);
                    docker.remove(t.containerId);
                    synchronized (this) {
                        boolean finished = exit.exitCode() != null && exit.exitCode() == 0;
                        String message = finished ? "Command exited with status 0"
                                : exit.oomKilled() ? "Memory limit exceeded: container was OOM-killed"
                                        : "Command exited with status " + exit.exitCode()
                                                + (exit.error() == null || exit.error().isBlank() ? ""
                                                        : ": " + exit.error());
                        taskEnded(t, finished ? "TASK_FINISHED" : "TASK_FAILED", message, !finished);
                    }
                }
                for (String id : strays) {
                    docker.remove(id);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "container poll failed", e);
            } finally {
                polling = false;
            }
        });
    }

    // ---------------------------------------------------------------------------------------------- health

    private void check(Task task, int index, long now) {
        Health h = task.health[index];
        JsonObject hc = task.definition.getJsonArray("healthChecks").getJsonObject(index);
        h.inFlight = true;
        String protocol = hc.getString("protocol", "HTTP");
        int timeoutMs = hc.getInteger("timeoutSeconds", 20) * 1000;
        Integer port = hc.getInteger("port");
        if (port == null && !protocol.equals("COMMAND")) {
            int portIndex = hc.getInteger("portIndex", 0);
            port = portIndex < task.hostPorts.size() ? task.hostPorts.get(portIndex) : null;
        }
        Future<String> result;
        if (protocol.equals("COMMAND")) {
            result = Future.succeededFuture(null); // the container is running: that is all we check
        } else if (port == null) {
            result = Future.succeededFuture("no host port for portIndex " + hc.getInteger("portIndex"));
        } else if (protocol.endsWith("TCP")) {
            int tcpPort = port;
            result = tcp.connect(port, HOST).map(socket -> {
                socket.close();
                return (String) null;
            }).otherwise(e -> "TCP connect to " + HOST + ":" + tcpPort + " failed: " + e.getMessage());
        } else {
            HttpClient client = protocol.endsWith("HTTPS") ? https : http;
            boolean ignore1xx = hc.getBoolean("ignoreHttp1xx", false);
            RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setHost(HOST).setPort(port)
                    .setURI(hc.getString("path", "/")).setConnectTimeout(timeoutMs).setIdleTimeout(timeoutMs);
            int p = port;
            result = client.request(request)
                    .compose(req -> req.send().compose(resp -> resp.body().map(body -> resp.statusCode())))
                    .map(status -> (status >= 200 && status < 400) || (ignore1xx && status < 200) ? (String) null
                            : "HTTP " + status + " from http://" + HOST + ":" + p + hc.getString("path", "/"))
                    .otherwise(e -> "GET http://" + HOST + ":" + p + hc.getString("path", "/") + " failed: "
                            + e.getMessage());
        }
        result.onComplete(r -> checked(task, index, hc, r.result()));
    }

    private synchronized void checked(Task task, int index, JsonObject hc, String failure) {
        Health h = task.health[index];
        h.inFlight = false;
        long now = System.currentTimeMillis();
        h.nextAt = now + hc.getInteger("intervalSeconds", 60) * 1000L;
        if (!tasks.containsKey(task.id) || !task.state.equals(RUNNING)) {
            return;
        }
        String stamp = Versions.now();
        if (failure == null) {
            h.consecutiveFailures = 0;
            h.lastSuccess = stamp;
            if (h.firstSuccess == null) {
                h.firstSuccess = stamp;
            }
            if (!Boolean.TRUE.equals(h.alive)) {
                h.alive = true;
                healthChanged(task, true);
                if (task.ready()) {
                    resetBackoff(task.appId);
                }
            }
            return;
        }
        h.lastFailure = stamp;
        h.lastFailureCause = failure;
        long startedMs = task.startedAt == null ? now : Versions.parse(task.startedAt).toEpochMilli();
        boolean inGrace = h.firstSuccess == null && now < startedMs + hc.getInteger("gracePeriodSeconds", 300) * 1000L;
        if (inGrace) {
            // until the first success, look again soon: a deployment finishes as soon as the task answers
            h.nextAt = Math.min(h.nextAt, now + FIRST_CHECK_RETRY_MILLIS);
            return;
        }
        h.consecutiveFailures++;
        events.publish(EventStream.event("failed_health_check_event").put("appId", task.appId)
                .put("taskId", task.id).put("instanceId", task.id).put("healthCheck", hc));
        if (!Boolean.FALSE.equals(h.alive)) {
            h.alive = false;
            healthChanged(task, false);
        }
        int max = hc.getInteger("maxConsecutiveFailures", 3);
        if (max > 0 && h.consecutiveFailures >= max) {
            events.publish(EventStream.event("unhealthy_instance_kill_event").put("appId", task.appId)
                    .put("taskId", task.id).put("instanceId", task.id).put("version", task.version)
                    .put("reason", failure).put("host", HOST).put("slaveId", SLAVE_ID));
            kill(task, true);
        }
    }

    private void healthChanged(Task task, boolean alive) {
        nudge();
        events.publish(EventStream.event("health_status_changed_event").put("appId", task.appId)
                .put("taskId", task.id).put("instanceId", task.id).put("version", task.version).put("alive", alive));
    }

    // ---------------------------------------------------------------------------------------------- JSON

    private JsonObject appJson(App app, boolean withTasks, boolean withLastFailure) {
        JsonObject json = app.definition.copy();
        json.put("version", app.version);
        json.put("versionInfo", new JsonObject().put("lastScalingAt", app.lastScalingAt)
                .put("lastConfigChangeAt", app.lastConfigChangeAt));
        int staged = 0;
        int running = 0;
        int healthy = 0;
        int unhealthy = 0;
        JsonArray taskList = new JsonArray();
        for (Task t : tasks.values()) {
            if (!t.appId.equals(app.id)) {
                continue;
            }
            if (t.state.equals(STAGING)) {
                staged++;
            } else if (t.state.equals(RUNNING)) {
                running++;
                if (t.healthy()) {
                    healthy++;
                } else if (t.unhealthy()) {
                    unhealthy++;
                }
            }
            if (withTasks) {
                taskList.add(taskJson(t));
            }
        }
        json.put("tasksStaged", staged).put("tasksRunning", running).put("tasksHealthy", healthy)
                .put("tasksUnhealthy", unhealthy);
        JsonArray deps = new JsonArray();
        for (Deployment d : deployments.values()) {
            if (d.appId.equals(app.id)) {
                deps.add(new JsonObject().put("id", d.id));
            }
        }
        json.put("deployments", deps);
        if (withTasks) {
            json.put("tasks", taskList);
        }
        if (withLastFailure && app.lastTaskFailure != null) {
            json.put("lastTaskFailure", app.lastTaskFailure);
        }
        return json;
    }

    private JsonObject taskJson(Task t) {
        JsonObject json = new JsonObject().put("id", t.id).put("appId", t.appId).put("host", HOST)
                .put("ipAddresses", new JsonArray().add(new JsonObject().put("ipAddress", HOST)
                        .put("protocol", "IPv4")))
                .put("ports", new JsonArray(new ArrayList<>(t.hostPorts))).put("servicePorts", new JsonArray())
                .put("slaveId", SLAVE_ID).put("stagedAt", t.stagedAt).put("startedAt", t.startedAt)
                .put("version", t.version).put("state", t.state).put("localVolumes", new JsonArray());
        if (t.health.length > 0) {
            JsonArray results = new JsonArray();
            for (Health h : t.health) {
                results.add(new JsonObject().put("alive", Boolean.TRUE.equals(h.alive))
                        .put("consecutiveFailures", h.consecutiveFailures).put("firstSuccess", h.firstSuccess)
                        .put("lastFailure", h.lastFailure).put("lastSuccess", h.lastSuccess)
                        .put("lastFailureCause", h.lastFailureCause).put("taskId", t.id).put("instanceId", t.id));
            }
            json.put("healthCheckResults", results);
        }
        return json;
    }

    private JsonObject deploymentJson(Deployment d) {
        return new JsonObject().put("id", d.id).put("version", d.version)
                .put("affectedApps", new JsonArray().add(d.appId)).put("affectedPods", new JsonArray())
                .put("steps", new JsonArray().add(stepJson(d)))
                .put("currentActions", new JsonArray().add(new JsonObject().put("action", d.action)
                        .put("app", d.appId).put("readinessCheckResults", new JsonArray())))
                .put("currentStep", 1).put("totalSteps", 1);
    }

    private static JsonObject stepJson(Deployment d) {
        return new JsonObject().put("actions", new JsonArray().add(new JsonObject().put("action", d.action)
                .put("app", d.appId)));
    }

    private static JsonObject planJson(Deployment d) {
        return new JsonObject().put("id", d.id).put("version", d.version)
                .put("original", group(d.original, d.originalVersion == null ? d.version : d.originalVersion))
                .put("target", group(d.target, d.version))
                .put("steps", new JsonArray().add(stepJson(d)));
    }

    private static JsonObject group(JsonObject app, String version) {
        JsonArray apps = new JsonArray();
        if (app != null) {
            apps.add(app.copy().put("version", version));
        }
        return new JsonObject().put("id", "/").put("apps", apps).put("groups", new JsonArray())
                .put("dependencies", new JsonArray()).put("version", version);
    }

    /** For tests and the stand-in: ids of this stand-in's running containers. */
    synchronized List<String> containerIds() {
        List<String> ids = new ArrayList<>();
        for (Task t : tasks.values()) {
            if (t.containerId != null) {
                ids.add(t.containerId);
            }
        }
        return ids;
    }

    static Instant parse(String version) {
        return Versions.parse(version);
    }
}
