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

/**
 * Marathon's health checks of running tasks ({@code HTTP}, {@code HTTPS}, {@code TCP} and their {@code MESOS_*}
 * twins) against the tasks' loopback host ports, with grace period, interval, timeout and the kill after
 * {@code maxConsecutiveFailures}. A task being killed is not checked (Mesos pauses its checker). Checks run on
 * Vert.x and report back under the scheduler's lock.
 */
final class HealthChecker {

    /** Within the grace period and before the first success, a failed health check is repeated this soon. */
    static final long FIRST_CHECK_RETRY_MILLIS = 200;
    /** A readiness check that has not passed yet is repeated at least this often. */
    static final long READINESS_RETRY_MILLIS = 500;

    private final Object lock;
    private final AppStore store;
    private final TaskRunner runner;
    private final EventStream events;
    private final Runnable nudge;
    private final HttpClient http;
    private final HttpClient https;
    private final NetClient tcp;

    HealthChecker(Vertx vertx, Object lock, AppStore store, TaskRunner runner, EventStream events, Runnable nudge) {
        this.lock = lock;
        this.store = store;
        this.runner = runner;
        this.events = events;
        this.nudge = nudge;
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setMaxPoolSize(64));
        this.https = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setSsl(true).setTrustAll(true)
                .setVerifyHost(false).setMaxPoolSize(16));
        this.tcp = vertx.createNetClient(new NetClientOptions().setConnectTimeout(2000));
    }

    /** Starts the checks that are due; call under the lock. */
    void checkDue(long now) {
        for (Task t : runner.all()) {
            if (t.state.equals(Task.RUNNING)) {
                for (int i = 0; i < t.health.length; i++) {
                    Task.Health h = t.health[i];
                    if (!h.inFlight && now >= h.nextAt) {
                        check(t, i);
                    }
                }
                for (int i = 0; i < t.readiness.length; i++) {
                    Task.Readiness r = t.readiness[i];
                    if (!r.ready && !r.inFlight && now >= r.nextAt) {
                        checkReadiness(t, i);
                    }
                }
            }
        }
    }

    /**
     * One readiness check: a GET of its path on the host port its {@code portName} names, ready when the status is
     * one of {@code httpStatusCodesForReady}. Until then it is repeated every {@code intervalSeconds}, but at least
     * every {@value #READINESS_RETRY_MILLIS} ms (Marathon waits a whole interval; the stand-in does not make a
     * deployment wait longer than the task needs).
     */
    private void checkReadiness(Task task, int index) {
        JsonObject rc = task.definition.getJsonArray("readinessChecks").getJsonObject(index);
        task.readiness[index].inFlight = true;
        int port = AppDefinitions.portNames(task.definition).indexOf(rc.getString("portName"));
        int timeoutMs = rc.getInteger("timeoutSeconds", 10) * 1000;
        Future<HttpResponse> result;
        if (port < 0 || port >= task.hostPorts.size()) {
            result = Future.failedFuture("no host port named " + rc.getString("portName"));
        } else {
            HttpClient client = "HTTPS".equals(rc.getString("protocol")) ? https : http;
            RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setHost(TaskRunner.HOST)
                    .setPort(task.hostPorts.get(port)).setURI(rc.getString("path", "/")).setConnectTimeout(timeoutMs)
                    .setIdleTimeout(timeoutMs);
            result = client.request(request).compose(req -> req.send()
                    .compose(resp -> resp.body().map(body -> new HttpResponse(resp.statusCode(), body.toString()))));
        }
        result.onComplete(r -> readinessChecked(task, index, rc, r.succeeded() ? r.result() : null));
    }

    private record HttpResponse(int status, String body) {
    }

    private void readinessChecked(Task task, int index, JsonObject rc, HttpResponse response) {
        synchronized (lock) {
            Task.Readiness r = task.readiness[index];
            r.inFlight = false;
            r.nextAt = System.currentTimeMillis()
                    + Math.min(rc.getInteger("intervalSeconds", 30) * 1000L, READINESS_RETRY_MILLIS);
            if (!runner.current(task) || !task.state.equals(Task.RUNNING)) {
                return;
            }
            if (response != null) {
                r.lastStatus = response.status();
                r.lastBody = rc.getBoolean("preserveLastResponse", false) ? response.body() : null;
            }
            if (response != null && rc.getJsonArray("httpStatusCodesForReady", new JsonArray().add(200))
                    .contains(response.status())) {
                r.ready = true;
                nudge.run();
            }
        }
    }

    private void check(Task task, int index) {
        JsonObject hc = task.definition.getJsonArray("healthChecks").getJsonObject(index);
        task.health[index].inFlight = true;
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
            result = tcp.connect(port, TaskRunner.HOST).map(socket -> {
                socket.close();
                return (String) null;
            }).otherwise(e -> "TCP connect to " + TaskRunner.HOST + ":" + tcpPort + " failed: " + e.getMessage());
        } else {
            HttpClient client = protocol.endsWith("HTTPS") ? https : http;
            boolean ignore1xx = hc.getBoolean("ignoreHttp1xx", false);
            String url = "http://" + TaskRunner.HOST + ":" + port + hc.getString("path", "/");
            RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setHost(TaskRunner.HOST)
                    .setPort(port).setURI(hc.getString("path", "/")).setConnectTimeout(timeoutMs)
                    .setIdleTimeout(timeoutMs);
            result = client.request(request)
                    .compose(req -> req.send().compose(resp -> resp.body().map(body -> resp.statusCode())))
                    .map(status -> (status >= 200 && status < 400) || (ignore1xx && status < 200) ? (String) null
                            : "HTTP " + status + " from " + url)
                    .otherwise(e -> "GET " + url + " failed: " + e.getMessage());
        }
        result.onComplete(r -> checked(task, index, hc, r.result()));
    }

    private void checked(Task task, int index, JsonObject hc, String failure) {
        synchronized (lock) {
            Task.Health h = task.health[index];
            h.inFlight = false;
            long now = System.currentTimeMillis();
            h.nextAt = now + hc.getInteger("intervalSeconds", 60) * 1000L;
            if (!runner.current(task) || !task.state.equals(Task.RUNNING)) {
                return;
            }
            String stamp = Versions.now();
            if (failure == null) {
                passed(task, h, stamp);
                return;
            }
            h.lastFailure = stamp;
            h.lastFailureCause = failure;
            long startedMs = task.startedAt == null ? now : Versions.parse(task.startedAt).toEpochMilli();
            if (h.firstSuccess == null && now < startedMs + hc.getInteger("gracePeriodSeconds", 300) * 1000L) {
                // until the first success, look again soon: a deployment finishes as soon as the task answers
                h.nextAt = Math.min(h.nextAt, now + FIRST_CHECK_RETRY_MILLIS);
                return;
            }
            failed(task, h, hc, failure);
        }
    }

    private void passed(Task task, Task.Health h, String stamp) {
        h.consecutiveFailures = 0;
        h.lastSuccess = stamp;
        if (h.firstSuccess == null) {
            h.firstSuccess = stamp;
        }
        if (!Boolean.TRUE.equals(h.alive)) {
            h.alive = true;
            changed(task, true);
            App app = store.get(task.appId);
            if (task.ready() && app != null) {
                app.resetBackoff();
            }
        }
    }

    private void failed(Task task, Task.Health h, JsonObject hc, String failure) {
        h.consecutiveFailures++;
        events.publish(EventStream.event("failed_health_check_event").put("appId", task.appId)
                .put("taskId", task.id).put("instanceId", task.id).put("healthCheck", hc));
        if (!Boolean.FALSE.equals(h.alive)) {
            h.alive = false;
            changed(task, false);
        }
        int max = hc.getInteger("maxConsecutiveFailures", 3);
        if (max > 0 && h.consecutiveFailures >= max) {
            events.publish(EventStream.event("unhealthy_instance_kill_event").put("appId", task.appId)
                    .put("taskId", task.id).put("instanceId", task.id).put("version", task.version)
                    .put("reason", failure).put("host", TaskRunner.HOST).put("slaveId", TaskRunner.SLAVE_ID));
            runner.kill(task, true);
        }
    }

    private void changed(Task task, boolean alive) {
        nudge.run();
        events.publish(EventStream.event("health_status_changed_event").put("appId", task.appId)
                .put("taskId", task.id).put("instanceId", task.id).put("version", task.version).put("alive", alive));
    }

    void close() {
        http.close();
        https.close();
        tcp.close();
    }
}
