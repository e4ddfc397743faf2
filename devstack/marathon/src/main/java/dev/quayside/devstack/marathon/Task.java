package dev.quayside.devstack.marathon;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** One task (one container) and its health check results. Guarded by the scheduler's lock. */
final class Task {

    static final String STAGING = "TASK_STAGING";
    static final String RUNNING = "TASK_RUNNING";
    /** Mesos' state for a task whose graceful kill has begun (Marathon's {@code task_killing} feature). */
    static final String KILLING = "TASK_KILLING";
    static final String KILLED = "TASK_KILLED";
    static final String FAILED = "TASK_FAILED";
    static final String FINISHED = "TASK_FINISHED";

    /** The state of one health check of a task. */
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

    /**
     * The state of one readiness check of a task: checked until it first passes (Marathon checks readiness while a
     * deployment waits for the task; once ready, a task stays ready).
     */
    static final class Readiness {
        boolean ready;
        boolean inFlight;
        long nextAt;
        Integer lastStatus;
        String lastBody;
    }

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
    final Health[] health;
    final Readiness[] readiness;

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
        int readinessChecks = definition.getJsonArray("readinessChecks", new JsonArray()).size();
        this.readiness = new Readiness[readinessChecks];
        for (int i = 0; i < readinessChecks; i++) {
            readiness[i] = new Readiness();
        }
    }

    /** Its kill has begun: it no longer counts as capacity, though its container may still run. */
    boolean beingKilled() {
        return state.equals(KILLING);
    }

    /**
     * Counts for a deployment: running, every health check passing (or running without checks) and every readiness
     * check passed.
     */
    boolean ready() {
        if (!passing()) {
            return false;
        }
        for (Readiness r : readiness) {
            if (!r.ready) {
                return false;
            }
        }
        return true;
    }

    boolean healthy() {
        return health.length > 0 && passing();
    }

    /** Running and every health check passing (or running without checks). */
    private boolean passing() {
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

    boolean unhealthy() {
        for (Health h : health) {
            if (Boolean.FALSE.equals(h.alive)) {
                return true;
            }
        }
        return false;
    }
}
