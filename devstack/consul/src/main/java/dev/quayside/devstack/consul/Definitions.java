package dev.quayside.devstack.consul;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes and validates service and check definitions as Consul's agent endpoints do
 * ({@code ServiceDefinition}, {@code CheckType.Validate}), with Consul's error texts.
 */
final class Definitions {

    private Definitions() {
    }

    /** A rejected definition: the HTTP status and Consul's text. */
    static final class Invalid extends RuntimeException {
        final int status;

        Invalid(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    record Registration(ServiceInstance service, List<HealthCheck> checks) {
    }

    static Registration service(JsonObject body) {
        ServiceInstance s = new ServiceInstance();
        List<JsonObject> checkDefs = new ArrayList<>();
        try {
            s.name = Json.string(body, "Name", "ServiceDefinition");
            s.id = Json.string(body, "ID", "ServiceDefinition");
            List<String> tags = Json.strings(body, "Tags", "ServiceDefinition");
            s.tags = tags == null ? List.of() : List.copyOf(tags);
            String address = Json.string(body, "Address", "ServiceDefinition");
            s.address = address == null ? "" : address;
            long port = Json.number(body, "Port", "ServiceDefinition", "int");
            if (port < 0 || port > 65535) {
                throw new Invalid(400, "Validation failed: invalid port " + port);
            }
            s.port = (int) port;
            Map<String, String> meta = Json.stringMap(body, "Meta", "ServiceDefinition");
            s.meta = meta == null ? Map.of() : meta;
            s.enableTagOverride = Json.bool(body, "EnableTagOverride", "ServiceDefinition");
            JsonObject weights = Json.object(body, "Weights", "ServiceDefinition", "api.AgentWeights");
            if (weights != null) {
                s.weightPassing = (int) Json.number(weights, "Passing", "AgentWeights", "int");
                s.weightWarning = (int) Json.number(weights, "Warning", "AgentWeights", "int");
            }
            JsonObject check = Json.object(body, "Check", "ServiceDefinition", "api.AgentServiceCheck");
            if (check != null && !isEmpty(check)) {
                checkDefs.add(check);
            }
            Object checks = Json.field(body, "Checks");
            if (checks != null) {
                if (!(checks instanceof JsonArray)) {
                    throw Json.mismatch(checks, "ServiceDefinition", "Checks", "api.AgentServiceChecks");
                }
                for (Object item : (JsonArray) checks) {
                    if (!(item instanceof JsonObject)) {
                        throw Json.mismatch(item, "ServiceDefinition", "Checks", "api.AgentServiceCheck");
                    }
                    checkDefs.add((JsonObject) item);
                }
            }
        } catch (Json.DecodeException e) {
            throw new Invalid(400, "Request decode failed: " + e.getMessage());
        }
        if (s.name == null || s.name.isEmpty()) {
            throw new Invalid(400, "Missing service name");
        }
        if (s.id == null || s.id.isEmpty()) {
            s.id = s.name;
        }
        if (s.weightPassing <= 0 && weightsGiven(body)) {
            throw new Invalid(400, "Invalid Weights: Passing must be greater than 0");
        }
        List<HealthCheck> checks = new ArrayList<>();
        for (int i = 0; i < checkDefs.size(); i++) {
            HealthCheck check = check(checkDefs.get(i), false);
            if (check.checkId == null || check.checkId.isEmpty()) {
                check.checkId = "service:" + s.id + (checkDefs.size() > 1 ? ":" + (i + 1) : "");
            }
            if (check.name == null || check.name.isEmpty()) {
                check.name = "Service '" + s.name + "' check";
            }
            check.serviceId = s.id;
            check.serviceName = s.name;
            check.serviceTags = s.tags;
            checks.add(check);
        }
        return new Registration(s, checks);
    }

    private static boolean weightsGiven(JsonObject body) {
        return Json.field(body, "Weights") != null;
    }

    /** A check definition (inside a service, or for {@code /v1/agent/check/register} when {@code standalone}). */
    static HealthCheck check(JsonObject def, boolean standalone) {
        HealthCheck check = new HealthCheck();
        String struct = standalone ? "CheckDefinition" : "CheckType";
        try {
            check.checkId = Json.string(def, "CheckID", struct);
            if (check.checkId == null) {
                check.checkId = Json.string(def, "ID", struct);
            }
            check.name = Json.string(def, "Name", struct);
            String notes = Json.string(def, "Notes", struct);
            check.notes = notes == null ? "" : notes;
            String status = Json.string(def, "Status", struct);
            if (status != null && !status.isEmpty()) {
                if (!status.equals(HealthCheck.PASSING) && !status.equals(HealthCheck.WARNING)
                        && !status.equals(HealthCheck.CRITICAL)) {
                    throw new Invalid(400, "Status for checks must 'passing', 'warning', 'critical'");
                }
                check.status = status;
                check.statusGivenAtRegistration = status;
            }
            if (standalone) {
                String serviceId = Json.string(def, "ServiceID", struct);
                check.serviceId = serviceId == null ? "" : serviceId;
            }
            check.http = emptyToNull(Json.string(def, "HTTP", struct));
            check.method = emptyToNull(Json.string(def, "Method", struct));
            check.body = emptyToNull(Json.string(def, "Body", struct));
            check.header = headers(def, struct);
            check.tcp = emptyToNull(Json.string(def, "TCP", struct));
            check.intervalNanos = duration(def, "Interval", struct);
            check.timeoutNanos = duration(def, "Timeout", struct);
            check.ttlNanos = duration(def, "TTL", struct);
            check.deregisterAfterNanos = duration(def, "DeregisterCriticalServiceAfter", struct);
            List<String> args = Json.strings(def, "Args", struct);
            if (args == null || args.isEmpty()) {
                args = Json.strings(def, "ScriptArgs", struct);
            }
            String grpc = emptyToNull(Json.string(def, "GRPC", struct));
            String docker = emptyToNull(Json.string(def, "DockerContainerID", struct));
            String h2ping = emptyToNull(Json.string(def, "H2PING", struct));
            String udp = emptyToNull(Json.string(def, "UDP", struct));
            String osService = emptyToNull(Json.string(def, "OSService", struct));
            String aliasService = emptyToNull(Json.string(def, "AliasService", struct));
            boolean script = args != null && !args.isEmpty();
            boolean intervalCheck = script || check.http != null || check.tcp != null || grpc != null || udp != null
                    || osService != null || h2ping != null;
            boolean alias = aliasService != null || emptyToNull(Json.string(def, "AliasNode", struct)) != null;
            if (check.intervalNanos > 0 && check.ttlNanos > 0) {
                throw invalidCheck("Interval and TTL cannot both be specified");
            }
            if (intervalCheck && check.intervalNanos <= 0) {
                throw invalidCheck("Interval must be > 0 for Script, HTTP, H2PING, TCP, UDP or OSService checks");
            }
            if (intervalCheck && alias) {
                throw invalidCheck("Interval cannot be set for Alias checks");
            }
            if (!intervalCheck && !alias && check.ttlNanos <= 0) {
                throw invalidCheck("TTL must be > 0 for TTL checks");
            }
            if (check.http != null) {
                check.type = "http";
            } else if (check.tcp != null) {
                check.type = "tcp";
            } else if (check.ttlNanos > 0) {
                check.type = "ttl";
            } else if (docker != null) {
                check.type = "docker";
            } else if (script) {
                check.type = "script";
            } else if (grpc != null) {
                check.type = "grpc";
            } else if (h2ping != null) {
                check.type = "h2ping";
            } else if (udp != null) {
                check.type = "udp";
            } else if (osService != null) {
                check.type = "os_service";
            } else {
                check.type = "alias";
            }
        } catch (Json.DecodeException e) {
            throw new Invalid(400, "Request decode failed: " + e.getMessage());
        }
        return check;
    }

    private static Invalid invalidCheck(String why) {
        return new Invalid(400, "Invalid check: " + why);
    }

    private static long duration(JsonObject def, String name, String struct) {
        Object value = Json.field(def, name);
        try {
            Long nanos = GoDuration.fromJson(value);
            return nanos == null ? 0 : nanos;
        } catch (IllegalArgumentException e) {
            throw new Json.DecodeException(e.getMessage());
        }
    }

    private static Map<String, List<String>> headers(JsonObject def, String struct) {
        JsonObject header = Json.object(def, "Header", struct, "map[string][]string");
        if (header == null) {
            return null;
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : header) {
            List<String> values = Json.strings(header, entry.getKey(), struct + ".Header");
            out.put(entry.getKey(), values == null ? List.of() : values);
        }
        return out;
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /** Consul's {@code CheckType.Empty()}: every field zero (the Vert.x client sends nulls and false). */
    private static boolean isEmpty(JsonObject check) {
        for (Map.Entry<String, Object> entry : check) {
            Object v = entry.getValue();
            if (v == null || Boolean.FALSE.equals(v) || "".equals(v)
                    || v instanceof Number && ((Number) v).doubleValue() == 0
                    || v instanceof JsonArray && ((JsonArray) v).isEmpty()
                    || v instanceof JsonObject && ((JsonObject) v).isEmpty()) {
                continue;
            }
            return false;
        }
        return true;
    }
}
