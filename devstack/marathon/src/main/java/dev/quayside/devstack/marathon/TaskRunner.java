package dev.quayside.devstack.marathon;

import dev.quayside.devstack.common.FreePorts;
import dev.quayside.devstack.mesos.DockerTasks;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The tasks and their containers, as Mesos runs them for Marathon: launch (one labelled container per task, its ports
 * on 127.0.0.1), kill (TASK_KILLING, then {@code docker stop --time <grace>}, then TASK_KILLED), exits noticed by
 * polling, launch back-off after failures. Docker calls run on a small pool and report back under the lock.
 */
final class TaskRunner {

    private static final Logger LOG = Logger.getLogger(TaskRunner.class.getName());

    static final String SLAVE_ID = "quayside-devstack-127.0.0.1";
    static final String HOST = "127.0.0.1";
    static final String LABEL_CONFIG_VERSION = "quayside.marathon.config-version";
    /** A task without health checks that ran this long before failing resets its app's launch back-off. */
    static final long STABLE_MILLIS = 10_000;

    private final Object lock;
    private final AppStore store;
    private final DockerTasks docker;
    private final EventStream events;
    private final MarathonStandIn.Options options;
    private final Runnable nudge;
    private final ExecutorService pool;
    private final Map<String, Task> tasks = new LinkedHashMap<>();
    private volatile boolean polling;
    private volatile boolean closed;

    TaskRunner(Object lock, AppStore store, DockerTasks docker, EventStream events, MarathonStandIn.Options options,
            Runnable nudge) {
        this.lock = lock;
        this.store = store;
        this.docker = docker;
        this.events = events;
        this.options = options;
        this.nudge = nudge;
        this.pool = Executors.newFixedThreadPool(options.dockerThreads, r -> {
            Thread t = new Thread(r, "marathon-stand-in-docker");
            t.setDaemon(true);
            return t;
        });
    }

    // ---------------------------------------------------------------------------------------------- queries

    Task get(String taskId) {
        return tasks.get(taskId);
    }

    boolean current(Task task) {
        return tasks.get(task.id) == task;
    }

    List<Task> all() {
        return new ArrayList<>(tasks.values());
    }

    List<Task> of(String appId) {
        List<Task> list = new ArrayList<>();
        for (Task t : tasks.values()) {
            if (t.appId.equals(appId)) {
                list.add(t);
            }
        }
        return list;
    }

    List<String> containerIds() {
        List<String> ids = new ArrayList<>();
        for (Task t : tasks.values()) {
            if (t.containerId != null) {
                ids.add(t.containerId);
            }
        }
        return ids;
    }

    // ---------------------------------------------------------------------------------------------- launch

    /** Launches {@code count} tasks of the app's current definition, unless its launch back-off is running. */
    void launch(App app, int count, long now) {
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
        List<DockerTasks.PortBinding> bindings = new ArrayList<>();
        List<Integer> hostPorts = new ArrayList<>();
        List<JsonObject> mappings = AppDefinitions.portMappings(def);
        JsonArray defs = def.getJsonArray("portDefinitions", new JsonArray());
        // every port the task needs, picked at once: one pick after another can return the same port twice
        java.util.Iterator<Integer> free = FreePorts.pick(Math.max(mappings.size(), defs.size()), List.of()).iterator();
        if (!mappings.isEmpty()) {
            for (JsonObject m : mappings) {
                int hostPort = m.getInteger("hostPort", 0);
                if (hostPort == 0) {
                    hostPort = free.next();
                }
                int containerPort = m.getInteger("containerPort", 0);
                bindings.add(new DockerTasks.PortBinding(containerPort == 0 ? hostPort : containerPort, hostPort,
                        m.getString("protocol", "tcp").split(",")[0]));
                hostPorts.add(hostPort);
            }
        } else {
            for (int i = 0; i < defs.size(); i++) {
                JsonObject p = defs.getJsonObject(i);
                int port = def.getBoolean("requirePorts", false) && p.getInteger("port", 0) != 0
                        ? p.getInteger("port") : free.next();
                bindings.add(new DockerTasks.PortBinding(port, port, p.getString("protocol", "tcp").split(",")[0]));
                hostPorts.add(port);
            }
        }
        Task task = new Task(taskId, app.id, app.version, app.lastConfigChangeAt, def, hostPorts, Versions.now());
        tasks.put(taskId, task);
        statusUpdate(task, Task.STAGING, "");
        DockerTasks.Spec spec;
        try {
            spec = spec(app, task, bindings);
        } catch (IllegalStateException e) {
            ended(task, Task.FAILED, e.getMessage(), true);
            return;
        }
        pool.submit(() -> {
            try {
                String containerId = docker.run(spec);
                started(task, containerId);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                String message = e.getMessage() == null ? e.toString() : e.getMessage().trim();
                synchronized (lock) {
                    ended(task, Task.FAILED, "Failed to launch container: " + message, true);
                }
            }
        });
    }

    private DockerTasks.Spec spec(App app, Task task, List<DockerTasks.PortBinding> bindings) {
        JsonObject def = task.definition;
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
                .map(TaskRunner::envName).toList()));
        appLabels.forEach(e -> env.put("MARATHON_APP_LABEL_" + envName(e.getKey()), String.valueOf(e.getValue())));
        env.put("MESOS_TASK_ID", task.id);
        env.put("HOST", HOST);
        List<String> ports = new ArrayList<>();
        boolean mapped = !AppDefinitions.portMappings(def).isEmpty();
        List<String> names = AppDefinitions.portNames(def);
        for (int i = 0; i < task.hostPorts.size(); i++) {
            String port = String.valueOf(task.hostPorts.get(i));
            env.put("PORT" + i, port);
            if (mapped) {
                env.put("PORT_" + bindings.get(i).containerPort(), port);
            }
            if (i < names.size() && names.get(i) != null) {
                env.put("PORT_" + envName(names.get(i)), port); // Marathon's by-name variable
            }
            ports.add(port);
        }
        if (!ports.isEmpty()) {
            env.put("PORT", ports.get(0));
            env.put("PORTS", String.join(",", ports));
        }
        List<String> envList = new ArrayList<>();
        env.forEach((k, v) -> envList.add(k + "=" + v));
        Map<String, String> labels = new LinkedHashMap<>();
        appLabels.forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
        labels.putAll(options.taskLabels);
        labels.put(DockerTasks.LABEL_DEVSTACK, "marathon");
        labels.put(DockerTasks.LABEL_STAND_IN, options.standInId);
        labels.put(DockerTasks.LABEL_APP_ID, app.id);
        labels.put(DockerTasks.LABEL_APP_VERSION, task.version);
        labels.put(LABEL_CONFIG_VERSION, task.configVersion);
        labels.put(DockerTasks.LABEL_TASK_ID, task.id);
        labels.put(DockerTasks.LABEL_STAGED_AT, task.stagedAt);
        labels.put(DockerTasks.LABEL_HOST_PORTS, String.join(",", ports));
        labels.put(DockerTasks.LABEL_APP_DEFINITION, def.encode());
        List<String> notPassedOn = DockerContainers.notPassedOn(def);
        if (!notPassedOn.isEmpty()) {
            throw new IllegalStateException("the Marathon stand-in passes on only " + String.join(", ",
                    DockerContainers.PARAMETERS) + " to docker run, not " + String.join(" ", notPassedOn));
        }
        String name = "marathon-" + task.id.replaceAll("[^a-zA-Z0-9_.-]", "_");
        boolean hostNetwork = options.hostNetwork && DockerContainers.hostNetworking(def);
        return new DockerTasks.Spec(name, image, forcePull, entrypoint, cmd, envList, labels, bindings,
                def.getDouble("cpus", 0.0), def.getDouble("mem", 0.0), hostNetwork, DockerContainers.mounts(def),
                DockerContainers.groupAdd(def));
    }

    private static String envName(String label) {
        return label.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
    }

    private void started(Task task, String containerId) {
        synchronized (lock) {
            task.containerId = containerId;
            if (closed || !current(task)) {
                discard(containerId, true); // nobody waits for this task any more
                return;
            }
            if (task.killRequested) {
                // killed while its container was being created: now there is something to stop
                stopContainer(task, false);
                return;
            }
            task.state = Task.RUNNING;
            task.startedAt = Versions.now();
            long now = System.currentTimeMillis();
            for (Task.Health h : task.health) {
                h.nextAt = now;
            }
            statusUpdate(task, Task.RUNNING, "");
        }
    }

    // ---------------------------------------------------------------------------------------------- kill

    /** The kill policy's grace period: the app's {@code taskKillGracePeriodSeconds}, else the agent's default. */
    int killGrace(Task task) {
        Object grace = task.definition.getValue("taskKillGracePeriodSeconds");
        return grace instanceof Number n ? n.intValue() : options.defaultKillGraceSeconds;
    }

    /**
     * Kills a task as Marathon on Mesos does (Mesos' Docker executor, {@code src/docker/executor.cpp}): the task goes
     * to TASK_KILLING at once (published, as Marathon does with its {@code task_killing} feature) and no longer counts
     * as capacity; then {@code docker stop --time <grace>} (the stop signal, the grace period, SIGKILL); TASK_KILLED
     * once the container no longer runs. A task whose container does not exist yet is stopped as soon as it does.
     */
    void kill(Task task, boolean failure) {
        if (task.killRequested) {
            return;
        }
        task.killRequested = true;
        String previous = task.state;
        task.state = Task.KILLING;
        if (task.containerId == null && previous.equals(Task.STAGING)) {
            return; // started() stops it as soon as the container exists
        }
        stopContainer(task, failure);
    }

    private void stopContainer(Task task, boolean failure) {
        statusUpdate(task, Task.KILLING, "");
        stopLater(task, failure, 0, 0);
    }

    private void stopLater(Task task, boolean failure, long delayMillis, int attempt) {
        if (closed) {
            return; // close() removes what is left when it stops the tasks, else the next run adopts it
        }
        Executor executor = delayMillis == 0 ? pool
                : CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS, pool);
        executor.execute(() -> stop(task, failure, attempt));
    }

    /**
     * {@code docker stop}, then TASK_KILLED. When the engine cannot be reached the task stays KILLING and the stop is
     * tried again, backing off to 10 s, until the container no longer runs — as Mesos' Docker executor keeps a task
     * KILLING until its container is gone (and its agent kills orphaned containers when it recovers). Given up on,
     * the container would keep running, registered and routed, with no task to account for it.
     */
    private void stop(Task task, boolean failure, int attempt) {
        String containerId = task.containerId;
        DockerTasks.Exit exit;
        try {
            exit = docker.kill(containerId, killGrace(task));
        } catch (RuntimeException e) {
            long delay = Math.min(10_000L, 250L << Math.min(attempt, 6));
            LOG.warning(() -> "could not stop container " + containerId + " of task " + task.id + " ("
                    + e.getMessage() + "): trying again in " + delay + " ms");
            stopLater(task, failure, delay, attempt + 1);
            return;
        }
        synchronized (lock) {
            String message = exit.exitCode() == null ? "" : "Container exited with status " + exit.exitCode();
            ended(task, Task.KILLED, failure ? "killed as unhealthy" + (message.isEmpty() ? "" : ": " + message)
                    : message, failure);
        }
        docker.remove(containerId); // the task is dead once stopped; removing the file system can follow
    }

    // ---------------------------------------------------------------------------------------------- ends

    /** A task is over: status update, forget it, and back off the app's launches after a failure. */
    void ended(Task task, String status, String message, boolean failure) {
        if (!current(task)) {
            return;
        }
        tasks.remove(task.id);
        statusUpdate(task, status, message);
        App app = store.get(task.appId);
        if (!failure || app == null) {
            return;
        }
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

    void statusUpdate(Task task, String status, String message) {
        nudge.run();
        events.publish(EventStream.event("status_update_event").put("slaveId", SLAVE_ID).put("taskId", task.id)
                .put("taskStatus", status).put("message", message).put("appId", task.appId).put("host", HOST)
                .put("ipAddresses", new JsonArray().add(new JsonObject().put("ipAddress", HOST)
                        .put("protocol", "IPv4")))
                .put("ports", new JsonArray(new ArrayList<>(task.hostPorts))).put("version", task.version));
    }

    /** Notices containers that exited on their own (TASK_FAILED / TASK_FINISHED) and removes strays. */
    void pollContainers() {
        if (polling || closed) {
            return;
        }
        polling = true;
        pool.submit(() -> {
            try {
                reap();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "container poll failed", e);
            } finally {
                polling = false;
            }
        });
    }

    private void reap() {
        Map<String, DockerTasks.Owned> byTask = new LinkedHashMap<>();
        for (DockerTasks.Owned c : docker.list(DockerTasks.LABEL_STAND_IN, options.standInId)) {
            String taskId = c.labels().get(DockerTasks.LABEL_TASK_ID);
            if (taskId != null) {
                byTask.put(taskId, c);
            }
        }
        List<Task> exited = new ArrayList<>();
        List<String> strays = new ArrayList<>();
        synchronized (lock) {
            for (Task t : tasks.values()) {
                DockerTasks.Owned c = byTask.get(t.id);
                if (t.state.equals(Task.RUNNING) && t.containerId != null && (c == null || !c.running())) {
                    exited.add(t);
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
            boolean finished = exit.exitCode() != null && exit.exitCode() == 0;
            String message = finished ? "Command exited with status 0"
                    : exit.oomKilled() ? "Memory limit exceeded: container was OOM-killed"
                            : "Command exited with status " + exit.exitCode()
                                    + (exit.error() == null || exit.error().isBlank() ? "" : ": " + exit.error());
            synchronized (lock) {
                ended(t, finished ? Task.FINISHED : Task.FAILED, message, !finished);
            }
        }
        strays.forEach(docker::remove);
    }

    // ---------------------------------------------------------------------------------------------- lifecycle

    /** A task re-adopted from a container a previous run of this stand-in left running. */
    void adopted(Task task) {
        tasks.put(task.id, task);
    }

    /** Removes a container in the background; {@code stop} stops it first (without grace). */
    void discard(String containerId, boolean stop) {
        if (pool.isShutdown()) {
            return; // closing: close() removes what is left when it stops the tasks, else the next run adopts it
        }
        pool.submit(() -> {
            if (stop) {
                docker.stopAndRemove(containerId, 0);
            } else {
                docker.remove(containerId);
            }
        });
    }

    /** Stops the pool; with {@code stopTasks} also stops and removes every container of this stand-in. */
    void close(boolean stopTasks) {
        closed = true;
        if (stopTasks) {
            List<String> ids;
            synchronized (lock) {
                ids = containerIds();
            }
            List<Future<?>> pending = new ArrayList<>();
            for (String id : ids) {
                pending.add(pool.submit(() -> docker.stopAndRemove(id, 0)));
            }
            waitFor(pending, 30);
        }
        pool.shutdown();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopTasks) {
            // anything else labelled for this stand-in: tasks that were still starting, leftovers
            docker.removeAll(options.standInId, DockerTasks.LABEL_TASK_ID);
        }
    }

    private static void waitFor(List<Future<?>> pending, int seconds) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (Future<?> f : pending) {
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
}
