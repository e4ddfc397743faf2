package dev.quayside.devstack.marathon;

import dev.quayside.devstack.mesos.DockerTasks;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The Marathon stand-in's engine, behind the REST routes: the API's reads and changes on top of the {@link AppStore}
 * (apps, versions, persistence), the {@link DeploymentPlanner} (deployments, locks, rolling restarts), the
 * {@link TaskRunner} (containers on the local Docker engine, kills as Mesos does them) and the {@link HealthChecker}.
 * All their state is guarded by one lock (this object), so {@code /v2/events} sees one total order; the loop ticks
 * every {@code tickMillis} and right after every task or health change.
 */
final class MarathonScheduler {

    /** What a deploying call answers: the app (for 201) and the deployment. */
    record Result(JsonObject app, String deploymentId, String version, boolean created) {
        JsonObject deploymentBody() {
            return new JsonObject().put("deploymentId", deploymentId).put("version", version);
        }
    }

    private final Vertx vertx;
    private final EventStream events;
    private final MarathonStandIn.Options options;
    private final AppStore store;
    private final TaskRunner runner;
    private final HealthChecker health;
    private final DeploymentPlanner planner;
    private final DockerTasks docker;
    private long tickTimer = -1;
    private long pollTimer = -1;
    private volatile boolean closed;

    MarathonScheduler(Vertx vertx, DockerTasks docker, EventStream events, MarathonStandIn.Options options) {
        this.vertx = vertx;
        this.docker = docker;
        this.events = events;
        this.options = options;
        this.store = new AppStore(options.stateDir, options.maxVersions);
        this.runner = new TaskRunner(this, store, docker, events, options, this::nudge);
        this.health = new HealthChecker(vertx, this, store, runner, events, this::nudge);
        this.planner = new DeploymentPlanner(store, runner, events, options);
    }

    /** Loads the saved apps, re-adopts the containers a previous run of this stand-in left, then starts the loops. */
    void start() {
        synchronized (this) {
            store.load();
        }
        Readoption.adopt(this, docker, options.standInId, store, runner);
        tickTimer = vertx.setPeriodic(options.tickMillis, id -> tick());
        pollTimer = vertx.setPeriodic(1000, id -> runner.pollContainers());
    }

    /** Stops the loops; with {@code stopTasks} also stops and removes every container of this stand-in. */
    void close(boolean stopTasks) {
        closed = true;
        vertx.cancelTimer(tickTimer);
        vertx.cancelTimer(pollTimer);
        runner.close(stopTasks);
        store.close();
        health.close();
    }

    synchronized void tick() {
        if (closed) {
            return;
        }
        long now = System.currentTimeMillis();
        planner.reconcile(now);
        health.checkDue(now);
    }

    /** Reconciles again right away (after the current one), instead of waiting for the next tick. */
    private void nudge() {
        if (!closed) {
            vertx.runOnContext(v -> tick());
        }
    }

    // ---------------------------------------------------------------------------------------------- queries

    synchronized JsonArray listApps(String idFilter, String cmdFilter, String labelSelector, Set<String> embed) {
        boolean tasks = embed.contains("apps.tasks") || embed.contains("app.tasks");
        boolean failure = embed.contains("apps.lastTaskFailure") || embed.contains("app.lastTaskFailure");
        JsonArray list = new JsonArray();
        for (App app : store.all()) {
            if ((idFilter == null || app.id.contains(idFilter))
                    && (cmdFilter == null || app.definition.getString("cmd", "").contains(cmdFilter))
                    && (labelSelector == null || Labels.matches(labelSelector, app.definition.getJsonObject("labels")))) {
                list.add(json(app, tasks, failure));
            }
        }
        return list;
    }

    synchronized JsonObject app(String id) {
        return json(store.require(id), true, true);
    }

    private JsonObject json(App app, boolean withTasks, boolean withLastFailure) {
        return MarathonJson.app(app, runner.of(app.id), planner.of(app.id), withTasks, withLastFailure);
    }

    synchronized JsonArray appTasks(String id) {
        JsonArray list = new JsonArray();
        runner.of(store.require(id).id).forEach(t -> list.add(MarathonJson.task(t)));
        return list;
    }

    synchronized JsonArray allTasks() {
        JsonArray list = new JsonArray();
        runner.all().forEach(t -> list.add(MarathonJson.task(t)));
        return list;
    }

    synchronized JsonArray versions(String id) {
        return new JsonArray(new ArrayList<>(store.require(id).versions.descendingKeySet()));
    }

    synchronized JsonObject version(String id, String version) {
        App app = store.require(id);
        JsonObject def = app.versions.get(version);
        if (def == null) {
            throw ApiException.message(404, "App '" + app.id + "' does not exist in version " + version);
        }
        return def.copy().put("version", version);
    }

    synchronized JsonArray deployments() {
        JsonArray list = new JsonArray();
        planner.all().forEach(d -> list.add(MarathonJson.deployment(d)));
        return list;
    }

    /** For tests and the stand-in: ids of this stand-in's running containers. */
    synchronized List<String> containerIds() {
        return runner.containerIds();
    }

    // ---------------------------------------------------------------------------------------------- changes

    /** {@code POST /v2/apps}: 201 with the app, 409 when it exists. */
    synchronized Result create(JsonObject body, String remote, String uri) {
        JsonObject def = AppDefinitions.withDefaults(body);
        String id = def.getString("id");
        if (store.contains(id)) {
            throw ApiException.message(409, "An app with id [" + id + "] already exists.");
        }
        planner.lockCheck(id, false);
        return createApp(def, remote, uri);
    }

    private Result createApp(JsonObject def, String remote, String uri) {
        String version = Versions.next();
        App app = App.created(def.getString("id"), def, version);
        store.put(app);
        apiPost(remote, uri, def, version);
        Deployment d = planner.start(Deployment.start(version, app.id, def, planner.deadline()));
        return new Result(json(app, true, false), d.id, version, true);
    }

    /**
     * {@code PUT /v2/apps/{id}} (and {@code PATCH}): creates (201) or updates (200) the app; {@code {"version": v}}
     * rolls back to version v. An update in Marathon 1.4's networking form is translated first, as Marathon does.
     */
    synchronized Result put(String rawId, JsonObject body, boolean force, boolean partial, String remote, String uri) {
        String id = AppDefinitions.absolute(rawId);
        App app = store.get(id);
        JsonObject def;
        if (body.containsKey("version")) {
            def = rollbackTarget(app, id, body);
        } else {
            JsonObject update = Networking.canonicalUpdate(body);
            JsonObject merged;
            if (app != null && partial) {
                merged = app.definition.copy();
                update.forEach(e -> merged.put(e.getKey(), e.getValue()));
            } else {
                merged = update.copy();
            }
            merged.put("id", id);
            AppDefinitions.validate(merged);
            def = AppDefinitions.withDefaults(merged);
        }
        planner.lockCheck(id, force);
        return app == null ? createApp(def, remote, uri) : update(app, def, false, remote, uri);
    }

    private static JsonObject rollbackTarget(App app, String id, JsonObject body) {
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
        return old.copy();
    }

    /** {@code POST /v2/apps/{id}/restart}: replaces every task with the same definition. */
    synchronized Result restart(String rawId, boolean force, String remote, String uri) {
        App app = store.require(rawId);
        planner.lockCheck(app.id, force);
        return update(app, app.definition.copy(), true, remote, uri);
    }

    private Result update(App app, JsonObject def, boolean restart, String remote, String uri) {
        String version = Versions.next();
        JsonObject original = app.definition;
        String originalVersion = app.version;
        String originalConfig = app.lastConfigChangeAt;
        String originalScaling = app.lastScalingAt;
        boolean configChanged = restart || !AppDefinitions.config(original).equals(AppDefinitions.config(def));
        store.newVersion(app, version, def);
        if (configChanged) {
            app.lastConfigChangeAt = version;
            app.resetBackoff();
        }
        app.lastScalingAt = version;
        apiPost(remote, uri, def, version);
        Deployment d = planner.start(Deployment.change(version, configChanged ? Deployment.RESTART : Deployment.SCALE,
                app.id, original, originalVersion, originalConfig, originalScaling, def, planner.deadline()));
        return new Result(json(app, true, false), d.id, version, false);
    }

    /** {@code DELETE /v2/apps/{id}}: the app disappears at once; its tasks are killed by a StopApplication deployment. */
    synchronized Result delete(String rawId, boolean force, String remote, String uri) {
        App app = store.require(rawId);
        planner.lockCheck(app.id, force);
        return stop(app);
    }

    private Result stop(App app) {
        store.remove(app.id);
        String version = Versions.next();
        Deployment d = planner.start(Deployment.stop(version, app, planner.deadline()));
        return new Result(null, d.id, version, false);
    }

    /** {@code DELETE /v2/apps/{id}/tasks/{taskId}}: kills one task (Marathon starts a replacement unless scale). */
    synchronized JsonObject killTask(String rawId, String taskId, boolean scale) {
        App app = store.require(rawId);
        Task task = runner.get(taskId);
        if (task == null || !task.appId.equals(app.id)) {
            throw ApiException.message(404, "Task '" + taskId + "' does not exist");
        }
        JsonObject json = MarathonJson.task(task);
        if (scale) {
            String version = Versions.next();
            store.newVersion(app, version, app.definition.copy().put("instances", Math.max(0, app.instances() - 1)));
            app.lastScalingAt = version;
            store.persist();
        }
        runner.kill(task, false);
        return json;
    }

    /**
     * {@code DELETE /v2/deployments/{id}}: without force, rolls back (a new deployment to the original definition;
     * returns it); with force, just stops following the plan (returns null, answered 202).
     */
    synchronized Result cancel(String deploymentId, boolean force) {
        Deployment d = planner.get(deploymentId);
        if (d == null) {
            throw ApiException.message(404, "DeploymentPlan " + deploymentId + " does not exist");
        }
        planner.abort(d, force ? "canceled with force" : "canceled and rolled back");
        if (force) {
            return null;
        }
        App app = store.get(d.appId);
        if (d.original == null) {
            return app == null ? null : stop(app); // rolling back a start = removing the app
        }
        if (app != null) {
            return update(app, d.original.copy(), false, null, null);
        }
        app = App.created(d.appId, d.original, d.originalVersion);
        app.lastConfigChangeAt = d.originalConfigVersion;
        app.lastScalingAt = d.originalScalingAt;
        store.put(app);
        String version = Versions.next();
        Deployment start = planner.start(Deployment.start(version, app.id, d.original, planner.deadline()));
        return new Result(null, start.id, version, false);
    }

    private void apiPost(String remote, String uri, JsonObject def, String version) {
        if (uri == null) {
            return;
        }
        events.publish(EventStream.event("api_post_event").put("clientIp", remote).put("remoteAddress", remote)
                .put("uri", uri).put("appDefinition", def.copy().put("version", version)));
    }
}
