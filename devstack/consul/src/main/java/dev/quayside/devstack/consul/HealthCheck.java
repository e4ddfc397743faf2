package dev.quayside.devstack.consul;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/** A health check (Consul's {@code HealthCheck} plus the definition the agent runs). */
final class HealthCheck {
    static final String PASSING = "passing";
    static final String WARNING = "warning";
    static final String CRITICAL = "critical";

    String checkId;
    String name;
    String status = CRITICAL;
    String notes = "";
    String output = "";
    String serviceId = "";
    String serviceName = "";
    List<String> serviceTags = List.of();
    /** "http", "tcp", "ttl", "script", "grpc", "docker", "alias", ... or "" for the node's serfHealth. */
    String type = "";
    String http;
    String method;
    Map<String, List<String>> header;
    String body;
    String tcp;
    long intervalNanos;
    long timeoutNanos;
    long ttlNanos;
    long deregisterAfterNanos;
    long createIndex;
    long modifyIndex;

    /** Runtime state of the agent (not part of the catalog). */
    transient long ttlDeadlineMillis;
    transient long criticalSinceMillis;
    /** The status given in the registration body, if any (it then wins over the current status). */
    transient String statusGivenAtRegistration;

    JsonObject toJson(String node) {
        JsonObject json = new JsonObject()
                .put("Node", node)
                .put("CheckID", checkId)
                .put("Name", name)
                .put("Status", status)
                .put("Notes", notes)
                .put("Output", output)
                .put("ServiceID", serviceId)
                .put("ServiceName", serviceName)
                .put("ServiceTags", new JsonArray(List.copyOf(serviceTags)))
                .put("Type", type);
        if (intervalNanos > 0) {
            json.put("Interval", GoDuration.format(intervalNanos));
        }
        if (timeoutNanos > 0) {
            json.put("Timeout", GoDuration.format(timeoutNanos));
        }
        return json.put("ExposedPort", 0)
                .put("Definition", definitionJson())
                .put("CreateIndex", createIndex)
                .put("ModifyIndex", modifyIndex);
    }

    JsonObject definitionJson() {
        JsonObject json = new JsonObject();
        if (http != null) {
            json.put("HTTP", http);
            if (method != null) {
                json.put("Method", method);
            }
            if (header != null) {
                JsonObject headers = new JsonObject();
                header.forEach((k, v) -> headers.put(k, new JsonArray(List.copyOf(v))));
                json.put("Header", headers);
            }
        }
        if (tcp != null) {
            json.put("TCP", tcp);
        }
        if (intervalNanos > 0) {
            json.put("Interval", GoDuration.format(intervalNanos));
        }
        if (timeoutNanos > 0) {
            json.put("Timeout", GoDuration.format(timeoutNanos));
        }
        if (deregisterAfterNanos > 0) {
            json.put("DeregisterCriticalServiceAfter", GoDuration.format(deregisterAfterNanos));
        }
        return json;
    }

    /** Whether re-registering with {@code other} keeps this check's current status (same kind, same target). */
    boolean sameDefinition(HealthCheck other) {
        return type.equals(other.type) && java.util.Objects.equals(http, other.http)
                && java.util.Objects.equals(tcp, other.tcp) && intervalNanos == other.intervalNanos
                && ttlNanos == other.ttlNanos;
    }
}
