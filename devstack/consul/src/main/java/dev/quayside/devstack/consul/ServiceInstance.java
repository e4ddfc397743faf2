package dev.quayside.devstack.consul;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/** A service registered with the agent (Consul's {@code NodeService}). */
final class ServiceInstance {
    String id;
    String name;
    List<String> tags = List.of();
    String address = "";
    int port;
    Map<String, String> meta = Map.of();
    boolean enableTagOverride;
    int weightPassing = 1;
    int weightWarning = 1;
    long createIndex;
    long modifyIndex;

    JsonArray tagsJson() {
        return new JsonArray(List.copyOf(tags));
    }

    JsonObject metaJson() {
        return new JsonObject(new java.util.LinkedHashMap<>(meta));
    }

    JsonObject weightsJson() {
        return new JsonObject().put("Passing", weightPassing).put("Warning", weightWarning);
    }

    /** {@code GET /v1/agent/services} entry. */
    JsonObject agentJson(String datacenter) {
        JsonObject json = new JsonObject()
                .put("ID", id)
                .put("Service", name)
                .put("Tags", tagsJson())
                .put("Meta", metaJson())
                .put("Port", port)
                .put("Address", address);
        if (!address.isEmpty()) {
            json.put("TaggedAddresses", taggedAddresses());
        }
        return json.put("Weights", weightsJson())
                .put("EnableTagOverride", enableTagOverride)
                .put("Datacenter", datacenter);
    }

    /** The {@code Service} object of a {@code /v1/health/service} entry. */
    JsonObject healthJson() {
        JsonObject json = new JsonObject()
                .put("ID", id)
                .put("Service", name)
                .put("Tags", tagsJson())
                .put("Address", address);
        if (!address.isEmpty()) {
            json.put("TaggedAddresses", taggedAddresses());
        }
        return json.put("Meta", metaJson())
                .put("Port", port)
                .put("Weights", weightsJson())
                .put("EnableTagOverride", enableTagOverride)
                .put("Proxy", new JsonObject().put("Mode", "").put("MeshGateway", new JsonObject())
                        .put("Expose", new JsonObject()))
                .put("Connect", new JsonObject())
                .put("CreateIndex", createIndex)
                .put("ModifyIndex", modifyIndex);
    }

    JsonObject taggedAddresses() {
        JsonObject lan = new JsonObject().put("Address", address).put("Port", port);
        return new JsonObject().put("lan_ipv4", lan).put("wan_ipv4", lan.copy());
    }

    /** Same registration (what anti-entropy compares): a re-registration of it changes nothing in the catalog. */
    boolean sameAs(ServiceInstance other) {
        return other != null && id.equals(other.id) && name.equals(other.name) && tags.equals(other.tags)
                && address.equals(other.address) && port == other.port && meta.equals(other.meta)
                && enableTagOverride == other.enableTagOverride && weightPassing == other.weightPassing
                && weightWarning == other.weightWarning;
    }

    boolean hasTags(List<String> wanted) {
        return tags.containsAll(wanted);
    }
}
