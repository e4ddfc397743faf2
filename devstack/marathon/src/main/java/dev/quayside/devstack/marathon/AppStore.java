package dev.quayside.devstack.marathon;

import dev.quayside.devstack.common.StateFile;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The apps and their versions (Marathon's group repository, for one root group of apps), optionally kept in
 * {@code marathon-apps.json} in the state directory. Guarded by the scheduler's lock.
 */
final class AppStore {

    static final String FILE = "marathon-apps.json";

    private final Map<String, App> apps = new TreeMap<>();
    private final StateFile file;
    private final int maxVersions;

    AppStore(Path stateDir, int maxVersions) {
        this.file = stateDir == null ? null : new StateFile(stateDir.resolve(FILE));
        this.maxVersions = maxVersions;
    }

    /** Reads the saved apps, when there is a state file. */
    void load() {
        JsonObject snapshot = file == null ? null : file.read(JsonObject::new);
        if (snapshot == null) {
            return;
        }
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

    /** Whether a state file existed at start: then it, not the surviving containers, says which apps exist. */
    boolean restoredFromFile() {
        return file != null && file.existed();
    }

    App get(String absoluteId) {
        return apps.get(absoluteId);
    }

    /** The app, or 404 {@code App '/x' does not exist}. */
    App require(String id) {
        String abs = AppDefinitions.absolute(id);
        App app = apps.get(abs);
        if (app == null) {
            throw ApiException.notFound(abs);
        }
        return app;
    }

    boolean contains(String absoluteId) {
        return apps.containsKey(absoluteId);
    }

    Collection<App> all() {
        return apps.values();
    }

    List<App> snapshot() {
        return new ArrayList<>(apps.values());
    }

    void put(App app) {
        apps.put(app.id, app);
    }

    App remove(String absoluteId) {
        return apps.remove(absoluteId);
    }

    /** Records a new current version of the app, keeping the newest {@code maxVersions}. */
    void newVersion(App app, String version, JsonObject definition) {
        app.definition = definition;
        app.version = version;
        app.versions.put(version, definition);
        while (app.versions.size() > maxVersions) {
            app.versions.pollFirstEntry();
        }
    }

    /** Saves the apps (definitions and versions) when a state directory is configured. */
    void persist() {
        if (file == null) {
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
        file.write(new JsonObject().put("apps", list).encodePrettily());
    }

    void close() {
        if (file != null) {
            file.close();
        }
    }
}
