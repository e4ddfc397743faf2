package dev.quayside.devstack.marathon;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** One deployment of one app (Marathon's plan with a single step); {@code original} is null for a new app. */
final class Deployment {

    static final String START = "StartApplication";
    static final String SCALE = "ScaleApplication";
    static final String RESTART = "RestartApplication";
    static final String STOP = "StopApplication";

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

    private Deployment(String version, String appId, String action, JsonObject original, String originalVersion,
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

    /** Starts a new app at {@code target}. */
    static Deployment start(String version, String appId, JsonObject target, long deadline) {
        return new Deployment(version, appId, START, null, null, null, null, target, deadline);
    }

    /** Takes an app from {@code original} (with its versions) to {@code target}: a scale or a rolling restart. */
    static Deployment change(String version, String action, String appId, JsonObject original,
            String originalVersion, String originalConfigVersion, String originalScalingAt, JsonObject target,
            long deadline) {
        return new Deployment(version, appId, action, original, originalVersion, originalConfigVersion,
                originalScalingAt, target, deadline);
    }

    /** Stops every task of {@code app}, which is already gone from the store. */
    static Deployment stop(String version, App app, long deadline) {
        return new Deployment(version, app.id, STOP, app.definition, app.version, app.lastConfigChangeAt,
                app.lastScalingAt, null, deadline);
    }

    boolean stop() {
        return action.equals(STOP);
    }
}
