package dev.quayside.devstack.marathon;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Marathon's JSON for apps, tasks, deployments, plans and {@code /v2/info}, as the REST API and events carry it. */
final class MarathonJson {

    /** The Marathon version {@code /v2/info} reports: its REST API and networking form are 1.5's. */
    static final String VERSION = "1.5.0-quayside-devstack";
    /** Marathon's {@code --enable_features task_killing}: TASK_KILLING is published when a kill starts. */
    static final String FEATURE_TASK_KILLING = "task_killing";

    private MarathonJson() {
    }

    /** An app as {@code GET /v2/apps[/{id}]} answers it: the definition, versions, task counts, deployments. */
    static JsonObject app(App app, List<Task> tasks, List<Deployment> deployments, boolean withTasks,
            boolean withLastFailure) {
        JsonObject json = app.definition.copy();
        json.put("version", app.version);
        json.put("versionInfo", new JsonObject().put("lastScalingAt", app.lastScalingAt)
                .put("lastConfigChangeAt", app.lastConfigChangeAt));
        int staged = 0;
        int running = 0;
        int healthy = 0;
        int unhealthy = 0;
        JsonArray taskList = new JsonArray();
        for (Task t : tasks) {
            if (t.state.equals(Task.STAGING)) {
                staged++;
            } else if (t.state.equals(Task.RUNNING)) {
                running++;
                if (t.healthy()) {
                    healthy++;
                } else if (t.unhealthy()) {
                    unhealthy++;
                }
            }
            if (withTasks) {
                taskList.add(task(t));
            }
        }
        json.put("tasksStaged", staged).put("tasksRunning", running).put("tasksHealthy", healthy)
                .put("tasksUnhealthy", unhealthy);
        JsonArray deps = new JsonArray();
        deployments.forEach(d -> deps.add(new JsonObject().put("id", d.id)));
        json.put("deployments", deps);
        if (withTasks) {
            json.put("tasks", taskList);
        }
        if (withLastFailure && app.lastTaskFailure != null) {
            json.put("lastTaskFailure", app.lastTaskFailure);
        }
        return json;
    }

    static JsonObject task(Task t) {
        JsonObject json = new JsonObject().put("id", t.id).put("appId", t.appId).put("host", TaskRunner.HOST)
                .put("ipAddresses", new JsonArray().add(new JsonObject().put("ipAddress", TaskRunner.HOST)
                        .put("protocol", "IPv4")))
                .put("ports", new JsonArray(new ArrayList<>(t.hostPorts))).put("servicePorts", new JsonArray())
                .put("slaveId", TaskRunner.SLAVE_ID).put("stagedAt", t.stagedAt).put("startedAt", t.startedAt)
                .put("version", t.version).put("state", t.state).put("localVolumes", new JsonArray());
        if (t.health.length > 0) {
            JsonArray results = new JsonArray();
            for (Task.Health h : t.health) {
                results.add(new JsonObject().put("alive", Boolean.TRUE.equals(h.alive))
                        .put("consecutiveFailures", h.consecutiveFailures).put("firstSuccess", h.firstSuccess)
                        .put("lastFailure", h.lastFailure).put("lastSuccess", h.lastSuccess)
                        .put("lastFailureCause", h.lastFailureCause).put("taskId", t.id).put("instanceId", t.id));
            }
            json.put("healthCheckResults", results);
        }
        return json;
    }

    static JsonObject deployment(Deployment d) {
        return new JsonObject().put("id", d.id).put("version", d.version)
                .put("affectedApps", new JsonArray().add(d.appId)).put("affectedPods", new JsonArray())
                .put("steps", new JsonArray().add(step(d)))
                .put("currentActions", new JsonArray().add(new JsonObject().put("action", d.action)
                        .put("app", d.appId).put("readinessCheckResults", new JsonArray())))
                .put("currentStep", 1).put("totalSteps", 1);
    }

    static JsonObject step(Deployment d) {
        return new JsonObject().put("actions", new JsonArray().add(new JsonObject().put("action", d.action)
                .put("app", d.appId)));
    }

    static JsonObject plan(Deployment d) {
        return new JsonObject().put("id", d.id).put("version", d.version)
                .put("original", group(d.original, d.originalVersion == null ? d.version : d.originalVersion))
                .put("target", group(d.target, d.version))
                .put("steps", new JsonArray().add(step(d)));
    }

    private static JsonObject group(JsonObject app, String version) {
        JsonArray apps = new JsonArray();
        if (app != null) {
            apps.add(app.copy().put("version", version));
        }
        return new JsonObject().put("id", "/").put("apps", apps).put("groups", new JsonArray())
                .put("dependencies", new JsonArray()).put("version", version);
    }

    /**
     * {@code GET /v2/info} with every field Marathon 1.5+ sends (its {@code InfoResource}; compare
     * {@code ../shared/fixtures/marathon/info.json}): values the stand-in has, {@code null} where it has none (no
     * ZooKeeper, no Mesos UI), and the {@code task_killing} feature, whose TASK_KILLING it publishes.
     */
    static JsonObject info(int port, MarathonStandIn.Options options) {
        String url = "http://127.0.0.1:" + port;
        JsonObject config = new JsonObject()
                .put("access_control_allow_origin", (String) null)
                .put("checkpoint", true)
                .put("decline_offer_duration", 120_000)
                .put("default_network_name", (String) null)
                .put("env_vars_prefix", (String) null)
                .put("executor", "//cmd")
                .put("failover_timeout", 604_800)
                .put("features", new JsonArray().add(FEATURE_TASK_KILLING))
                .put("framework_name", "marathon")
                .put("ha", false)
                .put("hostname", TaskRunner.HOST)
                .put("launch_token", 100)
                .put("launch_token_refresh_interval", 30_000)
                .put("leader_proxy_connection_timeout_ms", 5_000)
                .put("leader_proxy_read_timeout_ms", 10_000)
                .put("local_port_max", 20_000)
                .put("local_port_min", 10_000)
                .put("master", "local") // no Mesos master: the tasks run on the local Docker engine
                .put("max_instances_per_offer", 5)
                .put("mesos_bridge_name", "mesos-bridge")
                .put("mesos_heartbeat_failure_threshold", 5)
                .put("mesos_heartbeat_interval", 15_000)
                .put("mesos_leader_ui_url", (String) null)
                .put("mesos_role", "*")
                .put("mesos_user", System.getProperty("user.name"))
                .put("min_revive_offers_interval", 5_000)
                .put("offer_matching_timeout", 3_000)
                .put("on_elected_prepare_timeout", 180_000)
                .put("reconciliation_initial_delay", 15_000)
                .put("reconciliation_interval", 600_000)
                .put("scale_apps_initial_delay", 15_000)
                .put("scale_apps_interval", 300_000)
                .put("store_cache", true)
                .put("task_launch_confirm_timeout", 300_000)
                .put("task_launch_timeout", 300_000)
                .put("task_lost_expunge_initial_delay", 300_000)
                .put("task_lost_expunge_interval", 30_000)
                .put("task_reservation_timeout", 20_000)
                .put("webui_url", url);
        JsonObject zookeeper = new JsonObject()
                .put("zk", (String) null) // no ZooKeeper: memory, and the state directory when given
                .put("zk_compression", true)
                .put("zk_compression_threshold", 65_536)
                .put("zk_connection_timeout", 10_000)
                .put("zk_max_node_size", 1_024_000)
                .put("zk_max_versions", options.maxVersions)
                .put("zk_session_timeout", 10_000)
                .put("zk_timeout", 10_000);
        return new JsonObject().put("name", "marathon").put("version", VERSION).put("buildref", "quayside-devstack")
                .put("elected", true).put("leader", TaskRunner.HOST + ":" + port)
                .put("frameworkId", "quayside-devstack-" + options.standInId)
                .put("marathon_config", config)
                .put("zookeeper_config", zookeeper)
                .put("http_config", new JsonObject().put("http_port", port).put("https_port", (Integer) null));
    }
}
