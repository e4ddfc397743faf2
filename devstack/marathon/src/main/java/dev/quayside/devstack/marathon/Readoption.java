package dev.quayside.devstack.marathon;

import dev.quayside.devstack.mesos.DockerTasks;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A restarted stand-in takes back the containers its previous run left (labelled with its id): their apps (from the
 * definition label, unless the state file knows the apps) and their tasks; it removes stopped ones and those of apps
 * deleted meanwhile. Marathon does the same from ZooKeeper and Mesos' task reconciliation.
 */
final class Readoption {

    private static final Logger LOG = Logger.getLogger(Readoption.class.getName());

    private Readoption() {
    }

    static void adopt(Object lock, DockerTasks docker, String standInId, AppStore store, TaskRunner runner) {
        List<DockerTasks.Owned> owned = docker.list(DockerTasks.LABEL_STAND_IN, standInId);
        synchronized (lock) {
            Map<String, DockerTasks.Owned> newest = new LinkedHashMap<>();
            for (DockerTasks.Owned c : owned) {
                Map<String, String> labels = c.labels();
                String appId = labels.get(DockerTasks.LABEL_APP_ID);
                String version = labels.get(DockerTasks.LABEL_APP_VERSION);
                if (appId == null || version == null || !labels.containsKey(DockerTasks.LABEL_APP_DEFINITION)
                        || !c.running()) {
                    runner.discard(c.id(), false);
                    continue;
                }
                DockerTasks.Owned known = newest.get(appId);
                if (known == null || known.labels().get(DockerTasks.LABEL_APP_VERSION).compareTo(version) < 0) {
                    newest.put(appId, c);
                }
            }
            newest.forEach((appId, c) -> {
                // known from the state file (with its versions), or deleted while its containers survived
                if (!store.contains(appId) && !store.restoredFromFile()) {
                    store.put(App.created(appId, new JsonObject(c.labels().get(DockerTasks.LABEL_APP_DEFINITION)),
                            c.labels().get(DockerTasks.LABEL_APP_VERSION)));
                }
            });
            int adopted = 0;
            for (DockerTasks.Owned c : owned) {
                if (c.running() && adopt(c, store, runner)) {
                    adopted++;
                }
            }
            if (!owned.isEmpty()) {
                int tasks = adopted;
                LOG.info(() -> "Re-adopted " + tasks + " task(s) of " + store.all().size() + " app(s)");
            }
        }
    }

    private static boolean adopt(DockerTasks.Owned c, AppStore store, TaskRunner runner) {
        Map<String, String> labels = c.labels();
        App app = store.get(labels.get(DockerTasks.LABEL_APP_ID));
        if (app == null) {
            if (labels.containsKey(DockerTasks.LABEL_APP_ID)) {
                runner.discard(c.id(), true);
            }
            return false;
        }
        JsonObject def = new JsonObject(labels.get(DockerTasks.LABEL_APP_DEFINITION));
        String configVersion = labels.getOrDefault(TaskRunner.LABEL_CONFIG_VERSION,
                labels.get(DockerTasks.LABEL_APP_VERSION));
        if (AppDefinitions.config(def).equals(AppDefinitions.config(app.definition))) {
            configVersion = app.lastConfigChangeAt;
        }
        List<Integer> ports = new ArrayList<>();
        for (String p : labels.getOrDefault(DockerTasks.LABEL_HOST_PORTS, "").split(",")) {
            if (!p.isBlank()) {
                ports.add(Integer.parseInt(p.trim()));
            }
        }
        Task task = new Task(labels.get(DockerTasks.LABEL_TASK_ID), app.id, labels.get(DockerTasks.LABEL_APP_VERSION),
                configVersion, def, ports, labels.getOrDefault(DockerTasks.LABEL_STAGED_AT, Versions.now()));
        task.containerId = c.id();
        task.state = Task.RUNNING;
        task.startedAt = task.stagedAt;
        runner.adopted(task);
        return true;
    }
}
