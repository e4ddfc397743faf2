package dev.quayside.devstack.chronos;

import com.github.dockerjava.api.command.WaitContainerResultCallback;
import dev.quayside.devstack.common.StateFile;
import dev.quayside.devstack.mesos.DockerTasks;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The Chronos stand-in's engine: ISO-8601 scheduled jobs and dependent jobs, each run as one Docker container; retries,
 * run counters and dependants triggered when all their parents have succeeded since their last run.
 */
final class ChronosScheduler {

    private static final Logger LOG = Logger.getLogger(ChronosScheduler.class.getName());
    private static final Pattern NAME = Pattern.compile("[\\w.-]+");
    static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** A bad request: Chronos answers 400. */
    static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    static final class Job {
        JsonObject definition;
        Iso8601Schedule schedule;
        Instant nextRun;
        long remaining;
        int successCount;
        int errorCount;
        int errorsSinceLastSuccess;
        String lastSuccess = "";
        String lastError = "";
        int running;
        final Set<String> parentsSucceeded = new HashSet<>();

        String name() {
            return definition.getString("name");
        }

        List<String> parents() {
            List<String> list = new ArrayList<>();
            JsonArray p = definition.getJsonArray("parents");
            if (p != null) {
                p.forEach(o -> list.add(String.valueOf(o)));
            }
            return list;
        }
    }

    private final DockerTasks docker;
    private final StateFile state;
    private final String standInId;
    private final String defaultImage;
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "chronos-stand-in-job");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    ChronosScheduler(DockerTasks docker, String standInId, String defaultImage) {
        this(docker, standInId, defaultImage, null);
    }

    /** With a state file: jobs and their counters are loaded from it and saved to it on every change. */
    ChronosScheduler(DockerTasks docker, String standInId, String defaultImage, StateFile state) {
        this.docker = docker;
        this.standInId = standInId;
        this.defaultImage = defaultImage;
        this.state = state;
        if (state != null) {
            load(state.read(JsonObject::new));
        }
    }

    private synchronized void load(JsonObject snapshot) {
        if (snapshot == null) {
            return;
        }
        List<JsonObject> pending = new ArrayList<>();
        snapshot.getJsonArray("jobs", new JsonArray()).forEach(o -> pending.add((JsonObject) o));
        boolean progress = true;
        while (!pending.isEmpty() && progress) {
            progress = false;
            for (JsonObject saved : new ArrayList<>(pending)) {
                try {
                    put(saved.getJsonObject("definition"), saved.getBoolean("dependent", false));
                } catch (BadRequest e) {
                    continue; // a parent not loaded yet
                }
                Job job = jobs.get(saved.getJsonObject("definition").getString("name"));
                job.successCount = saved.getInteger("successCount", 0);
                job.errorCount = saved.getInteger("errorCount", 0);
                job.errorsSinceLastSuccess = saved.getInteger("errorsSinceLastSuccess", 0);
                job.lastSuccess = saved.getString("lastSuccess", "");
                job.lastError = saved.getString("lastError", "");
                pending.remove(saved);
                progress = true;
            }
        }
        pending.forEach(p -> LOG.warning(() -> "Saved Chronos job not restored: " + p.getJsonObject("definition")));
    }

    private void persist() {
        if (state == null) {
            return;
        }
        JsonArray list = new JsonArray();
        for (Job job : jobs.values()) {
            list.add(new JsonObject().put("definition", job.definition).put("dependent", job.schedule == null)
                    .put("successCount", job.successCount).put("errorCount", job.errorCount)
                    .put("errorsSinceLastSuccess", job.errorsSinceLastSuccess).put("lastSuccess", job.lastSuccess)
                    .put("lastError", job.lastError));
        }
        state.write(new JsonObject().put("jobs", list).encodePrettily());
    }

    /** {@code POST /v1/scheduler/iso8601} (dependent = false) or {@code /dependency} (dependent = true). */
    synchronized void put(JsonObject body, boolean dependent) {
        String name = body.getValue("name") instanceof String s ? s : null;
        if (name == null || !NAME.matcher(name).matches()) {
            throw new BadRequest("Job name '" + name + "' is not valid: it must match [\\w.-]+");
        }
        if (!(body.getValue("command") instanceof String) && body.getJsonObject("container") == null) {
            throw new BadRequest("Job '" + name + "' has no command");
        }
        Job job = new Job();
        job.definition = normalise(body);
        if (dependent) {
            List<String> parents = job.parents();
            if (parents.isEmpty()) {
                throw new BadRequest("Dependent job '" + name + "' has no parents");
            }
            if (body.getString("schedule") != null) {
                throw new BadRequest("Dependent job '" + name + "' must not have a schedule");
            }
            for (String parent : parents) {
                if (!jobs.containsKey(parent) && !parent.equals(name)) {
                    throw new BadRequest("Parent job '" + parent + "' of '" + name + "' does not exist");
                }
                if (parent.equals(name)) {
                    throw new BadRequest("Job '" + name + "' cannot be its own parent");
                }
            }
            job.definition.remove("schedule");
        } else {
            if (body.getJsonArray("parents") != null && !body.getJsonArray("parents").isEmpty()) {
                throw new BadRequest("Scheduled job '" + name + "' must not have parents: use /dependency");
            }
            try {
                job.schedule = Iso8601Schedule.parse(body.getString("schedule"), body.getString("scheduleTimeZone"));
            } catch (IllegalArgumentException | ClassCastException e) {
                throw new BadRequest("Job '" + name + "': " + e.getMessage());
            }
            job.remaining = job.schedule.repetitions();
            Instant next = job.schedule.start();
            Instant now = Instant.now();
            Duration epsilon = epsilon(job.definition);
            // skip the occurrences older than epsilon, counting them against R<n>, as Chronos does
            if (job.schedule.fixedStep() != null && next.plus(epsilon).isBefore(now)) {
                long step = job.schedule.fixedStep().toMillis();
                long behind = now.toEpochMilli() - next.plus(epsilon).toEpochMilli();
                long skip = behind / step + 1;
                if (job.remaining >= 0) {
                    skip = Math.min(skip, job.remaining);
                    job.remaining -= skip;
                }
                next = next.plusMillis(skip * step);
            }
            while (next.plus(epsilon).isBefore(now) && job.remaining != 0) {
                next = job.schedule.next(next);
                if (job.remaining > 0) {
                    job.remaining--;
                }
            }
            job.nextRun = job.remaining == 0 ? null : next;
        }
        Job existing = jobs.get(name);
        if (existing != null) {
            job.successCount = existing.successCount;
            job.errorCount = existing.errorCount;
            job.lastSuccess = existing.lastSuccess;
            job.lastError = existing.lastError;
            job.errorsSinceLastSuccess = existing.errorsSinceLastSuccess;
            job.running = existing.running;
        }
        jobs.put(name, job);
        persist();
    }

    private static Duration epsilon(JsonObject def) {
        try {
            return Duration.parse(def.getString("epsilon", "PT60S"));
        } catch (RuntimeException e) {
            return Duration.ofSeconds(60);
        }
    }

    private static JsonObject normalise(JsonObject body) {
        JsonObject d = body.copy();
        for (String stat : List.of("successCount", "errorCount", "lastSuccess", "lastError", "errorsSinceLastSuccess")) {
            d.remove(stat);
        }
        putIfAbsent(d, "command", "");
        putIfAbsent(d, "shell", true);
        putIfAbsent(d, "epsilon", "PT60S");
        putIfAbsent(d, "executor", "");
        putIfAbsent(d, "executorFlags", "");
        putIfAbsent(d, "retries", 2);
        putIfAbsent(d, "owner", "");
        putIfAbsent(d, "ownerName", "");
        putIfAbsent(d, "description", "");
        putIfAbsent(d, "async", false);
        putIfAbsent(d, "cpus", 0.1);
        putIfAbsent(d, "disk", 256.0);
        putIfAbsent(d, "mem", 128.0);
        putIfAbsent(d, "disabled", false);
        putIfAbsent(d, "softError", false);
        putIfAbsent(d, "dataProcessingJobType", false);
        putIfAbsent(d, "uris", new JsonArray());
        putIfAbsent(d, "fetch", new JsonArray());
        putIfAbsent(d, "environmentVariables", new JsonArray());
        putIfAbsent(d, "arguments", new JsonArray());
        putIfAbsent(d, "highPriority", false);
        putIfAbsent(d, "runAsUser", "root");
        putIfAbsent(d, "concurrent", false);
        putIfAbsent(d, "constraints", new JsonArray());
        return d;
    }

    private static void putIfAbsent(JsonObject o, String key, Object value) {
        if (o.getValue(key) == null) {
            o.put(key, value);
        }
    }

    synchronized JsonArray list(String nameFilter) {
        JsonArray list = new JsonArray();
        for (Job job : jobs.values()) {
            if (nameFilter == null || job.name().toLowerCase(Locale.ROOT).contains(nameFilter.toLowerCase(Locale.ROOT))) {
                list.add(json(job));
            }
        }
        return list;
    }

    synchronized JsonObject get(String name) {
        Job job = jobs.get(name);
        if (job == null) {
            throw new BadRequest("Job '" + name + "' does not exist");
        }
        return json(job);
    }

    /** {@code PUT /v1/scheduler/job/{name}}: runs the job now. */
    synchronized void runNow(String name) {
        Job job = jobs.get(name);
        if (job == null) {
            throw new BadRequest("Job '" + name + "' does not exist");
        }
        launch(job, 0);
    }

    /** {@code DELETE /v1/scheduler/job/{name}}. */
    synchronized void delete(String name) {
        if (jobs.remove(name) == null) {
            throw new BadRequest("Job '" + name + "' does not exist");
        }
        persist();
    }

    private JsonObject json(Job job) {
        JsonObject json = job.definition.copy().put("successCount", job.successCount).put("errorCount", job.errorCount)
                .put("lastSuccess", job.lastSuccess).put("lastError", job.lastError)
                .put("errorsSinceLastSuccess", job.errorsSinceLastSuccess);
        if (job.schedule != null) {
            json.put("schedule", job.definition.getString("schedule"));
            json.put("scheduleTimeZone", job.definition.getString("scheduleTimeZone", ""));
        } else {
            json.put("parents", job.definition.getJsonArray("parents"));
        }
        return json;
    }

    /** Runs due jobs; called periodically. */
    synchronized void tick() {
        if (closed) {
            return;
        }
        Instant now = Instant.now();
        for (Job job : jobs.values()) {
            if (job.nextRun == null || now.isBefore(job.nextRun)) {
                continue;
            }
            boolean disabled = job.definition.getBoolean("disabled", false);
            boolean busy = job.running > 0 && !job.definition.getBoolean("concurrent", false);
            if (busy && !now.isAfter(job.nextRun.plus(epsilon(job.definition)))) {
                continue; // the previous run is still going: wait for it, within epsilon
            }
            if (!disabled && !busy) {
                launch(job, 0);
            }
            if (job.remaining > 0) {
                job.remaining--;
            }
            job.nextRun = job.remaining == 0 ? null : job.schedule.next(job.nextRun);
        }
    }

    private void launch(Job job, int attempt) {
        JsonObject def = job.definition;
        JsonObject container = def.getJsonObject("container");
        String image = container == null ? null : container.getString("image");
        if (image == null || image.isBlank()) {
            image = defaultImage;
        }
        String name = job.name();
        if (image == null) {
            LOG.warning(() -> "Chronos job " + name + " has no container.image and the stand-in has no default image");
            recordFailure(job);
            return;
        }
        List<String> entrypoint = null;
        List<String> cmd = null;
        String command = def.getString("command", "");
        List<String> arguments = new ArrayList<>();
        def.getJsonArray("arguments", new JsonArray()).forEach(a -> arguments.add(String.valueOf(a)));
        if (def.getBoolean("shell", true)) {
            if (!command.isBlank()) {
                entrypoint = List.of("/bin/sh", "-c");
                cmd = List.of(command);
            }
        } else {
            List<String> argv = new ArrayList<>();
            if (!command.isBlank()) {
                argv.add(command);
            }
            argv.addAll(arguments);
            if (!argv.isEmpty()) {
                cmd = argv;
            }
        }
        List<String> env = new ArrayList<>();
        JsonArray vars = def.getJsonArray("environmentVariables", new JsonArray());
        for (int i = 0; i < vars.size(); i++) {
            JsonObject v = vars.getJsonObject(i);
            env.add(v.getString("name") + "=" + v.getString("value", ""));
        }
        String taskId = "ct:" + System.currentTimeMillis() + ":" + attempt + ":" + name + ":";
        env.add("mesos_task_id=" + taskId);
        env.add("CHRONOS_JOB_NAME=" + name);
        env.add("CHRONOS_JOB_OWNER=" + def.getString("owner", ""));
        env.add("CHRONOS_RESOURCE_CPU=" + def.getValue("cpus"));
        env.add("CHRONOS_RESOURCE_MEM=" + def.getValue("mem"));
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(DockerTasks.LABEL_DEVSTACK, "marathon");
        labels.put(DockerTasks.LABEL_STAND_IN, standInId);
        labels.put(DockerTasks.LABEL_CHRONOS_JOB, name);
        labels.put("quayside.chronos.task-id", taskId);
        String containerName = "chronos-" + name.replaceAll("[^a-zA-Z0-9_.-]", "_") + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        DockerTasks.Spec spec = new DockerTasks.Spec(containerName, image,
                container != null && container.getBoolean("forcePullImage", false), entrypoint, cmd, env, labels,
                List.of(), number(def.getValue("cpus")), number(def.getValue("mem")));
        job.running++;
        Job launched = job;
        pool.submit(() -> {
            boolean success = false;
            String containerId = null;
            try {
                containerId = docker.run(spec);
                Integer code = docker.client().waitContainerCmd(containerId).exec(new WaitContainerResultCallback())
                        .awaitStatusCode(24, TimeUnit.HOURS);
                success = code != null && code == 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.log(Level.INFO, "Chronos job " + name + " failed to run: " + e.getMessage());
            } finally {
                if (containerId != null) {
                    docker.remove(containerId);
                }
            }
            finished(launched, attempt, success);
        });
    }

    private static double number(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(String.valueOf(value));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private synchronized void finished(Job job, int attempt, boolean success) {
        job.running--;
        if (closed || jobs.get(job.name()) != job) {
            return;
        }
        String now = FORMAT.format(Instant.now());
        if (success) {
            job.successCount++;
            job.errorsSinceLastSuccess = 0;
            job.lastSuccess = now;
            persist();
            for (Job child : jobs.values()) {
                List<String> parents = child.parents();
                if (parents.contains(job.name())) {
                    child.parentsSucceeded.add(job.name());
                    if (child.parentsSucceeded.containsAll(parents)) {
                        child.parentsSucceeded.clear();
                        if (!child.definition.getBoolean("disabled", false)) {
                            launch(child, 0);
                        }
                    }
                }
            }
            return;
        }
        if (attempt < job.definition.getInteger("retries", 2)) {
            launch(job, attempt + 1);
            return;
        }
        recordFailure(job);
    }

    private void recordFailure(Job job) {
        job.errorCount++;
        job.errorsSinceLastSuccess++;
        job.lastError = FORMAT.format(Instant.now());
        persist();
    }

    void close(boolean stopContainers) {
        closed = true;
        if (state != null) {
            state.close();
        }
        pool.shutdownNow();
        if (stopContainers) {
            docker.removeAll(standInId, DockerTasks.LABEL_CHRONOS_JOB);
        }
    }
}
