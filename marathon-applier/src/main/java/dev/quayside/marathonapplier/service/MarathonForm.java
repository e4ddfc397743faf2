package dev.quayside.marathonapplier.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An app definition in Marathon 1.5's networking form, whichever form it is written in: Marathon accepts the 1.4 form
 * ({@code container.docker.network}, {@code container.docker.portMappings}, {@code ipAddress}, {@code ports}) and
 * answers in the 1.5 form ({@code networks}, {@code container.portMappings}, {@code portDefinitions}) — its
 * {@code AppNormalization}, {@code docs/docs/upgrade/network-api-migration.md}. Comparing both sides in this form makes
 * a 1.4 definition in the config repository "unchanged" against what Marathon 1.5+ reports, and against a Marathon 1.4
 * that echoes the old form. Only the deprecated fields are translated; Marathon's own defaults are left to the
 * matcher, which ignores what the definition does not set.
 */
final class MarathonForm {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** Marathon's {@code --mesos_bridge_name} default: an {@code ipAddress.networkName} that means bridge mode. */
    private static final String MESOS_BRIDGE_NAME = "mesos-bridge";

    private MarathonForm() {
    }

    /** A copy of {@code app} in the 1.5 networking form ({@code app} itself is left as it is). */
    static JsonNode current(JsonNode app) {
        if (!app.isObject()) {
            return app;
        }
        ObjectNode d = ((ObjectNode) app).deepCopy();
        ObjectNode container = d.get("container") instanceof ObjectNode c ? c : null;
        ObjectNode docker = container != null && container.get("docker") instanceof ObjectNode k ? k : null;
        JsonNode ipAddress = d.get("ipAddress");
        String dockerNetwork = docker != null && docker.hasNonNull("network") ? docker.get("network").asText() : null;
        if (!d.hasNonNull("networks") && (dockerNetwork != null || (ipAddress != null && ipAddress.isObject()))) {
            d.set("networks", JSON.arrayNode().add(network(dockerNetwork, ipAddress)));
        }
        d.remove("ipAddress");
        if (docker != null) {
            JsonNode legacy = docker.remove("portMappings");
            JsonNode canonical = container.get("portMappings");
            if (legacy != null && legacy.isArray() && (canonical == null || canonical.isEmpty())) {
                container.set("portMappings", legacy);
            }
            docker.remove("network");
        }
        if (d.get("ports") instanceof ArrayNode ports) {
            if (!d.has("portDefinitions")) {
                ArrayNode definitions = JSON.arrayNode();
                ports.forEach(p -> definitions.addObject().set("port", p));
                d.set("portDefinitions", definitions);
            }
            d.remove("ports");
        }
        String mode = d.path("networks").path(0).path("mode").asText("host");
        if (mode.equals("host")) {
            if (container != null) {
                container.remove("portMappings"); // host networking has no port mappings
            }
        } else {
            d.remove("portDefinitions"); // container networks have no port definitions
        }
        return d;
    }

    private static ObjectNode network(String dockerNetwork, JsonNode ipAddress) {
        String name = ipAddress != null ? ipAddress.path("networkName").asText(null) : null;
        ObjectNode network = JSON.objectNode();
        if (dockerNetwork == null) {
            network.put("mode", MESOS_BRIDGE_NAME.equals(name) ? "container/bridge" : "container");
        } else {
            switch (dockerNetwork) {
                case "HOST" -> network.put("mode", "host");
                case "BRIDGE" -> network.put("mode", "container/bridge");
                default -> network.put("mode", "container"); // USER
            }
        }
        if (network.get("mode").asText().equals("container") && name != null) {
            network.put("name", name);
        }
        if (ipAddress != null && ipAddress.has("labels") && !network.get("mode").asText().equals("host")) {
            network.set("labels", ipAddress.get("labels"));
        }
        return network;
    }
}
