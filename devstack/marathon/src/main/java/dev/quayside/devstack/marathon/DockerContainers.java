package dev.quayside.devstack.marathon;

import static dev.quayside.devstack.marathon.AppDefinitions.add;

import dev.quayside.devstack.mesos.DockerTasks;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a Docker container of an app gets besides its image and command: {@code container.volumes} (host paths bound
 * in, as Mesos' Docker containerizer passes {@code -v hostPath:containerPath:mode}) and
 * {@code container.docker.parameters} (Marathon passes each as {@code docker run --key=value}). The stand-in runs only
 * host-path volumes with an absolute {@code hostPath} (any other is refused with 400 when the app is created or
 * updated) and only the parameters in {@link #PARAMETERS}: an app with others is accepted, as Marathon accepts it, and
 * each of its tasks fails at launch naming what it would not pass on — nothing the app asked for is silently left out.
 */
final class DockerContainers {

    /** The {@code docker run} options the stand-in passes on: supplementary groups of the container's user. */
    static final Set<String> PARAMETERS = Set.of("group-add");
    private static final Set<String> MODES = Set.of("RO", "RW");

    private DockerContainers() {
    }

    /**
     * Marathon's rules for Docker volumes (422: {@code containerPath} not empty, {@code mode} one of RO, RW; parameters
     * with a {@code key} and a {@code value}), then what the stand-in cannot run (400).
     */
    static void validate(JsonObject app, Map<String, List<String>> errors) {
        if (!(app.getValue("container") instanceof JsonObject container)) {
            return;
        }
        List<String> unsupported = new ArrayList<>();
        if (container.getValue("volumes") != null) {
            if (!(container.getValue("volumes") instanceof JsonArray volumes)) {
                throw ApiException.invalidJson("/container/volumes", "error.expected.jsarray");
            }
            for (int i = 0; i < volumes.size(); i++) {
                String path = "/container/volumes(" + i + ")";
                if (!(volumes.getValue(i) instanceof JsonObject volume)) {
                    throw ApiException.invalidJson(path, "error.expected.jsobject");
                }
                for (String field : List.of("containerPath", "hostPath", "mode")) {
                    if (volume.getValue(field) != null && !(volume.getValue(field) instanceof String)) {
                        throw ApiException.invalidJson(path + "/" + field, "error.expected.jsstring");
                    }
                }
                if (volume.getString("containerPath", "").isEmpty()) {
                    add(errors, path + "/containerPath", "must not be empty");
                }
                if (!MODES.contains(volume.getString("mode", ""))) {
                    add(errors, path + "/mode", "is not one of (RO,RW)");
                }
                if (volume.containsKey("persistent") || volume.containsKey("external")
                        || volume.containsKey("secret")) {
                    unsupported.add(path + ": only host-path volumes run here (no persistent, external or secret "
                            + "volumes)");
                } else if (!volume.getString("hostPath", "").startsWith("/")) {
                    unsupported.add(path + "/hostPath: must be an absolute path on this machine (a relative one "
                            + "would be in the Mesos sandbox, which the stand-in has not)");
                }
            }
        }
        if (container.getValue("docker") instanceof JsonObject docker && docker.getValue("parameters") != null) {
            if (!(docker.getValue("parameters") instanceof JsonArray parameters)) {
                throw ApiException.invalidJson("/container/docker/parameters", "error.expected.jsarray");
            }
            for (int i = 0; i < parameters.size(); i++) {
                String path = "/container/docker/parameters(" + i + ")";
                if (!(parameters.getValue(i) instanceof JsonObject parameter)) {
                    throw ApiException.invalidJson(path, "error.expected.jsobject");
                }
                for (String field : List.of("key", "value")) {
                    if (!(parameter.getValue(field) instanceof String)) {
                        throw ApiException.invalidJson(path + "/" + field, "error.expected.jsstring");
                    }
                }
                // any other key is accepted, as Marathon accepts it (its own example passes --name); a task of such
                // an app fails at launch, saying so (notPassedOn), rather than running without it
                if (PARAMETERS.contains(parameter.getString("key")) && parameter.getString("value").isBlank()) {
                    add(errors, path + "/value", "must not be empty");
                }
            }
        }
        if (!unsupported.isEmpty() && errors.isEmpty()) {
            JsonArray details = new JsonArray();
            unsupported.forEach(problem -> details.add(problem));
            throw new ApiException(400, new JsonObject().put("message", "The Marathon stand-in cannot run this "
                    + "container").put("details", details));
        }
    }

    /** The app's host-path volumes as bind mounts. */
    static List<DockerTasks.Mount> mounts(JsonObject def) {
        List<DockerTasks.Mount> mounts = new ArrayList<>();
        if (def.getValue("container") instanceof JsonObject container
                && container.getValue("volumes") instanceof JsonArray volumes) {
            for (Object o : volumes) {
                JsonObject volume = (JsonObject) o;
                mounts.add(new DockerTasks.Mount(volume.getString("hostPath"), volume.getString("containerPath"),
                        "RW".equals(volume.getString("mode"))));
            }
        }
        return mounts;
    }

    /**
     * The app's docker parameters the stand-in does not pass on ({@code --key=value} each), empty when it runs them
     * all: its task fails at launch naming them (Marathon would hand them to Docker).
     */
    static List<String> notPassedOn(JsonObject def) {
        return parameters(def).stream().filter(p -> !PARAMETERS.contains(p.getString("key")))
                .map(p -> "--" + p.getString("key") + "=" + p.getString("value")).toList();
    }

    /** The values of the app's {@code group-add} parameters. */
    static List<String> groupAdd(JsonObject def) {
        return parameters(def).stream().filter(p -> "group-add".equals(p.getString("key")))
                .map(p -> p.getString("value")).toList();
    }

    /** The app's {@code container.docker.parameters} (validated: objects with a key and a value). */
    private static List<JsonObject> parameters(JsonObject def) {
        List<JsonObject> list = new ArrayList<>();
        if (def.getValue("container") instanceof JsonObject container
                && container.getValue("docker") instanceof JsonObject docker
                && docker.getValue("parameters") instanceof JsonArray parameters) {
            parameters.forEach(o -> list.add((JsonObject) o));
        }
        return list;
    }

    /** Whether the app is in host networking (its one network's mode is {@code host}; canonical definitions). */
    static boolean hostNetworking(JsonObject def) {
        JsonArray networks = def.getJsonArray("networks", new JsonArray());
        return networks.size() == 1 && Networking.HOST.equals(networks.getJsonObject(0).getString("mode"));
    }
}
