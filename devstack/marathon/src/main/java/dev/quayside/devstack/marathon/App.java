package dev.quayside.devstack.marathon;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.TreeMap;

/** One app: its current definition, its versions and its launch back-off. Guarded by the scheduler's lock. */
final class App {

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

    /** A new app whose first version is {@code version}. */
    static App created(String id, JsonObject definition, String version) {
        App app = new App(id);
        app.definition = definition;
        app.version = version;
        app.lastConfigChangeAt = version;
        app.lastScalingAt = version;
        app.versions.put(version, definition);
        return app;
    }

    int instances() {
        return definition.getInteger("instances", 1);
    }

    JsonArray healthChecks() {
        return definition.getJsonArray("healthChecks", new JsonArray());
    }

    void resetBackoff() {
        launchDelayMs = 0;
        nextLaunchAt = 0;
    }
}
