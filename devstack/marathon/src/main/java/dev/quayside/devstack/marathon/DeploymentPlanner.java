package dev.quayside.devstack.marathon;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The deployments and what they do on every tick: start, scale, a rolling restart within {@code upgradeStrategy},
 * stop; the lock a running deployment holds on its app (409 unless forced); the end of a deployment (success, or a
 * failure after the deadline with a rollback to the original definition); and, for apps without a deployment, keeping
 * {@code instances} tasks running. Guarded by the scheduler's lock.
 */
final class DeploymentPlanner {

    private static final Logger LOG = Logger.getLogger(DeploymentPlanner.class.getName());

    private final AppStore store;
    private final TaskRunner runner;
    private final EventStream events;
    private final MarathonStandIn.Options options;
    private final Map<String, Deployment> deployments = new LinkedHashMap<>();

    DeploymentPlanner(AppStore store, TaskRunner runner, EventStream events, MarathonStandIn.Options options) {
        this.store = store;
        this.runner = runner;
        this.events = events;
        this.options = options;
    }

    List<Deployment> all() {
        return new ArrayList<>(deployments.values());
    }

    Deployment get(String id) {
        return deployments.get(id);
    }

    List<Deployment> of(String appId) {
        List<Deployment> list = new ArrayList<>();
        for (Deployment d : deployments.values()) {
            if (d.appId.equals(appId)) {
                list.add(d);
            }
        }
        return list;
    }

    long deadline() {
        return System.currentTimeMillis() + options.deploymentTimeout.toMillis();
    }

    /** Registers a deployment and announces it ({@code deployment_info}); the apps are saved. */
    Deployment start(Deployment d) {
        deployments.put(d.id, d);
        store.persist();
        events.publish(EventStream.event("deployment_info").put("plan", MarathonJson.plan(d))
                .put("currentStep", MarathonJson.step(d)));
        return d;
    }

    /**
     * 409 {@code App is locked by one or more deployments} when a deployment runs for the app; with {@code force}
     * the running ones are superseded instead (they end with {@code deployment_failed}).
     */
    void lockCheck(String appId, boolean force) {
        List<Deployment> locking = of(appId);
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
            abort(d, "superseded by a forced change");
        }
    }

    /** Stops following a deployment: {@code deployment_step_failure}, {@code deployment_failed}. */
    void abort(Deployment d, String reason) {
        deployments.remove(d.id);
        publishEnd(d, false, reason);
    }

    private void finish(Deployment d) {
        deployments.remove(d.id);
        events.publish(EventStream.event("deployment_step_success").put("plan", MarathonJson.plan(d))
                .put("currentStep", MarathonJson.step(d)));
        publishEnd(d, true, null);
        if (d.stop()) {
            events.publish(EventStream.event("app_terminated_event").put("appId", d.appId));
        }
    }

    private void publishEnd(Deployment d, boolean success, String reason) {
        if (!success) {
            events.publish(EventStream.event("deployment_step_failure").put("plan", MarathonJson.plan(d))
                    .put("currentStep", MarathonJson.step(d)));
        }
        JsonObject event = EventStream.event(success ? "deployment_success" : "deployment_failed").put("id", d.id)
                .put("plan", MarathonJson.plan(d));
        if (reason != null) {
            event.put("reason", reason);
        }
        events.publish(event);
    }

    /** The deadline passed: deployment_failed, and (for updates) back to the original definition. */
    private void fail(Deployment d, String reason) {
        abort(d, reason);
        App app = store.get(d.appId);
        if (app == null || d.original == null || !options.rollbackFailedDeployments) {
            return;
        }
        String failedConfig = app.lastConfigChangeAt;
        String version = Versions.next();
        store.newVersion(app, version, d.original);
        app.lastConfigChangeAt = d.originalConfigVersion;
        app.lastScalingAt = version;
        store.persist();
        app.resetBackoff();
        for (Task t : runner.of(app.id)) {
            if (t.configVersion.equals(failedConfig) && !failedConfig.equals(d.originalConfigVersion)) {
                runner.kill(t, false);
            }
        }
        LOG.info(() -> "Deployment " + d.id + " of " + d.appId + " failed (" + reason + "); back to version "
                + d.originalVersion);
    }

    // ---------------------------------------------------------------------------------------------- every tick

    /** Moves every deployment on, then keeps the apps without one at {@code instances} tasks. */
    void reconcile(long now) {
        for (Deployment d : new ArrayList<>(deployments.values())) {
            if (d.stop()) {
                reconcileStop(d);
                continue;
            }
            App app = store.get(d.appId);
            if (app == null) {
                deployments.remove(d.id);
            } else {
                reconcileDeployment(d, app, now);
            }
        }
        for (App app : store.snapshot()) {
            if (of(app.id).isEmpty()) {
                reconcileSteady(app, now);
            }
        }
    }

    private void reconcileStop(Deployment d) {
        List<Task> list = runner.of(d.appId);
        if (list.isEmpty()) {
            finish(d);
            return;
        }
        for (Task t : list) {
            runner.kill(t, false);
        }
    }

    private void reconcileDeployment(Deployment d, App app, long now) {
        int n = app.instances();
        JsonObject strategy = app.definition.getJsonObject("upgradeStrategy", new JsonObject());
        int minHealthy = (int) Math.ceil(n * strategy.getDouble("minimumHealthCapacity", 1.0));
        int maxCapacity = Math.max(n, (int) Math.floor(n + n * strategy.getDouble("maximumOverCapacity", 1.0)));
        List<Task> fresh = new ArrayList<>();
        List<Task> old = new ArrayList<>();
        int killingCount = 0;
        for (Task t : runner.of(app.id)) {
            if (t.beingKilled()) {
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
                runner.kill(t, false);
                fresh.remove(t);
                killingCount++;
            }
        }
        // kill old tasks as far as the minimum health capacity allows, counting only the tasks that are healthy now
        // (an old task failing a check does not hold capacity up); not-ready first, then unhealthy, then oldest
        int oldReady = (int) old.stream().filter(Task::ready).count();
        int canKill = n == 0 ? old.size()
                : (old.size() - oldReady) + Math.max(0, Math.min(oldReady, oldReady + freshReady - minHealthy));
        old.sort(Comparator.comparing(Task::ready).thenComparing((Task t) -> !t.unhealthy())
                .thenComparing(t -> t.stagedAt));
        for (int i = 0; i < canKill; i++) {
            runner.kill(old.get(i), false);
        }
        int oldLeft = old.size() - canKill;
        // a task being killed still runs: it counts against the capacity until its container is gone
        int toStart = Math.min(n - fresh.size(), maxCapacity - oldLeft - fresh.size() - killingCount - canKill);
        if (toStart <= 0 && fresh.size() < n && canKill == 0 && killingCount == 0
                && fresh.stream().allMatch(Task::ready)) {
            toStart = 1; // neither a kill nor a start is allowed: go one over capacity, as Marathon does
        }
        runner.launch(app, toStart, now);
    }

    private void reconcileSteady(App app, long now) {
        int n = app.instances();
        List<Task> all = runner.of(app.id);
        List<Task> live = new ArrayList<>();
        for (Task t : all) {
            if (!t.beingKilled()) {
                live.add(t);
            }
        }
        if (all.size() < n) {
            // a task being killed keeps its slot until its container is gone: kill first, then relaunch
            runner.launch(app, n - all.size(), now);
        } else if (live.size() > n) {
            live.sort(Comparator.comparing((Task t) -> t.configVersion.equals(app.lastConfigChangeAt))
                    .thenComparing((Task t) -> t.stagedAt, Comparator.reverseOrder()));
            for (Task t : live.subList(0, live.size() - n)) {
                runner.kill(t, false);
            }
        }
    }
}
