package dev.quayside.devstack.marathon;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Marathon 1.5's networking form, which Marathon answers in whatever form it was given (its {@code AppNormalization};
 * {@code docs/docs/upgrade/network-api-migration.md}): {@code container.docker.network} becomes {@code networks}
 * ({@code HOST} → {@code host}, {@code BRIDGE} → {@code container/bridge}, {@code USER} → {@code container} named by
 * {@code ipAddress.networkName}), {@code container.docker.portMappings} moves to {@code container.portMappings},
 * {@code ports} becomes {@code portDefinitions}; host networking (the default) keeps {@code portDefinitions} and drops
 * port mappings, the other modes drop {@code portDefinitions}, and bridge mode gives missing host ports 0.
 */
final class Networking {

    static final String HOST = "host";
    static final String BRIDGE = "container/bridge";
    static final String CONTAINER = "container";
    /** Marathon's {@code --mesos_bridge_name} default: an {@code ipAddress.networkName} that means bridge mode. */
    static final String MESOS_BRIDGE_NAME = "mesos-bridge";

    private Networking() {
    }

    /**
     * Translates the deprecated fields of an app or of an update (what Marathon's {@code forDeprecatedUpdates} does)
     * and leaves the rest alone, so that a partial update in either form merges into a stored 1.5 definition.
     */
    static JsonObject canonicalUpdate(JsonObject update) {
        JsonObject u = update.copy();
        JsonObject container = u.getValue("container") instanceof JsonObject c ? c.copy() : null;
        JsonObject docker = container != null && container.getValue("docker") instanceof JsonObject d ? d.copy()
                : null;
        JsonObject ipAddress = u.getValue("ipAddress") instanceof JsonObject ip ? ip : null;
        String dockerNetwork = docker == null ? null : docker.getString("network");
        if (dockerNetwork != null || ipAddress != null) {
            if (u.getValue("networks") != null) {
                throw invalid("/networks", "cannot mix deprecated and canonical network APIs");
            }
            u.put("networks", translate(dockerNetwork, ipAddress));
        }
        u.remove("ipAddress");
        if (docker != null) {
            JsonArray legacy = docker.getValue("portMappings") instanceof JsonArray a ? a : null;
            JsonArray canonical = container.getValue("portMappings") instanceof JsonArray a ? a : null;
            if (legacy != null) {
                if (canonical != null && !canonical.isEmpty() && !legacy.isEmpty()) {
                    throw invalid("/container", "cannot specify both portMappings and docker.portMappings");
                }
                if (canonical == null || canonical.isEmpty()) {
                    container.put("portMappings", legacy);
                }
            }
            docker.remove("portMappings");
            docker.remove("network");
            container.put("docker", docker);
            u.put("container", container);
        }
        if (u.getValue("ports") instanceof JsonArray ports) {
            if (u.getValue("portDefinitions") == null) {
                JsonArray definitions = new JsonArray();
                ports.forEach(p -> definitions.add(new JsonObject().put("port", p).put("protocol", "tcp")));
                u.put("portDefinitions", definitions);
            }
            u.remove("ports");
        }
        return u;
    }

    private static JsonArray translate(String dockerNetwork, JsonObject ipAddress) {
        JsonObject labels = ipAddress == null ? null : ipAddress.getJsonObject("labels");
        String name = ipAddress == null ? null : ipAddress.getString("networkName");
        JsonObject network;
        if (dockerNetwork == null) {
            network = MESOS_BRIDGE_NAME.equals(name) ? new JsonObject().put("mode", BRIDGE)
                    : new JsonObject().put("mode", CONTAINER).put("name", name);
        } else {
            network = switch (dockerNetwork) {
                case "HOST" -> new JsonObject().put("mode", HOST);
                case "BRIDGE" -> new JsonObject().put("mode", BRIDGE);
                case "USER" -> new JsonObject().put("mode", CONTAINER).put("name", name);
                default -> throw invalid("/container/docker/network",
                        "unsupported docker network type " + dockerNetwork);
            };
        }
        if (labels != null && !network.getString("mode").equals(HOST)) {
            network.put("labels", labels);
        }
        if (network.getValue("name") == null) {
            network.remove("name");
        }
        return new JsonArray().add(network);
    }

    /** Puts a complete definition into Marathon 1.5's canonical form (in place; after {@link #canonicalUpdate}). */
    static void canonicalise(JsonObject d) {
        JsonArray networks = d.getValue("networks") instanceof JsonArray n && !n.isEmpty() ? n
                : new JsonArray().add(new JsonObject().put("mode", HOST));
        boolean host = false;
        boolean bridge = false;
        for (int i = 0; i < networks.size(); i++) {
            if (!(networks.getValue(i) instanceof JsonObject network)) {
                throw ApiException.invalidJson("/networks(" + i + ")", "error.expected.jsobject");
            }
            String mode = network.getString("mode", CONTAINER);
            network.put("mode", mode);
            switch (mode) {
                case HOST -> host = true;
                case BRIDGE -> bridge = true;
                case CONTAINER -> {
                    if (network.getString("name") == null) {
                        throw invalid("/networks(" + i + ")", "container network name is not defined");
                    }
                }
                default -> throw invalid("/networks(" + i + ")/mode",
                        "is not one of (container,container/bridge,host)");
            }
        }
        if ((host || bridge) && networks.size() > 1) {
            throw invalid("/networks", "may only specify a single host or container/bridge network, "
                    + "or one or more container networks");
        }
        d.put("networks", networks);
        if (host) {
            if (d.getValue("container") instanceof JsonObject container) {
                container.remove("portMappings");
            }
            if (d.getValue("portDefinitions") == null) {
                d.put("portDefinitions", new JsonArray().add(new JsonObject().put("port", 0).put("protocol", "tcp")
                        .put("name", "default")));
            }
            return;
        }
        d.remove("portDefinitions");
        d.put("requirePorts", false);
        JsonObject container = d.getValue("container") instanceof JsonObject c ? c
                : new JsonObject().put("type", "MESOS");
        d.put("container", container);
        if (!(container.getValue("portMappings") instanceof JsonArray)) {
            container.put("portMappings", new JsonArray().add(new JsonObject().put("containerPort", 0)
                    .put("name", "default")));
        }
        for (Object o : container.getJsonArray("portMappings")) {
            if (o instanceof JsonObject mapping) {
                putIfAbsent(mapping, "protocol", "tcp");
                putIfAbsent(mapping, "servicePort", 0);
                if (bridge) {
                    putIfAbsent(mapping, "hostPort", 0); // Marathon: in BRIDGE mode missing host ports default to 0
                }
            }
        }
    }

    private static void putIfAbsent(JsonObject o, String key, Object value) {
        if (o.getValue(key) == null) {
            o.put(key, value);
        }
    }

    private static ApiException invalid(String path, String error) {
        return ApiException.notValid(new JsonArray().add(new JsonObject().put("path", path)
                .put("errors", new JsonArray().add(error))));
    }
}
