package dev.quayside.devstack.marathon;

import static dev.quayside.devstack.marathon.AppDefinitions.add;
import static dev.quayside.devstack.marathon.AppDefinitions.putIfAbsent;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * The {@code readinessChecks} of a Marathon app definition: Marathon's validation of them (part of
 * {@link AppDefinitions#validate}) and their defaults (part of {@link AppDefinitions#withDefaults}).
 */
final class ReadinessChecks {

    private static final List<String> READINESS_PROTOCOLS = List.of("HTTP", "HTTPS");

    private ReadinessChecks() {
    }

    /**
     * Marathon's {@code ReadinessCheck.readinessCheckValidator}: name, path and port name not empty, the port name one
     * of the app's port names, {@code 0 < timeoutSeconds < intervalSeconds}, some status code for ready. Checked on
     * the definition with {@link #withDefaults}' values where a field is absent.
     */
    static void validate(JsonObject app, Map<String, List<String>> errors) {
        JsonArray checks = app.getJsonArray("readinessChecks");
        if (checks == null) {
            return;
        }
        List<String> ports = AppDefinitions.portNames(app).stream().filter(n -> n != null).toList();
        for (int i = 0; i < checks.size(); i++) {
            String path = "/readinessChecks(" + i + ")";
            JsonObject check = withDefaults(checks.getJsonObject(i));
            for (String field : List.of("name", "protocol", "path", "portName")) {
                if (!(check.getValue(field) instanceof String)) {
                    throw ApiException.invalidJson(path + "/" + field, "error.expected.jsstring");
                }
            }
            for (String field : List.of("intervalSeconds", "timeoutSeconds")) {
                Object value = check.getValue(field);
                if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
                    throw ApiException.invalidJson(path + "/" + field, "error.expected.int");
                }
            }
            if (!(check.getValue("httpStatusCodesForReady") instanceof JsonArray codes)) {
                throw ApiException.invalidJson(path + "/httpStatusCodesForReady", "error.expected.jsarray");
            }
            for (int c = 0; c < codes.size(); c++) {
                if (!(codes.getValue(c) instanceof Integer)) {
                    throw ApiException.invalidJson(path + "/httpStatusCodesForReady(" + c + ")", "error.expected.int");
                }
            }
            if (!(check.getValue("preserveLastResponse") instanceof Boolean)) {
                throw ApiException.invalidJson(path + "/preserveLastResponse", "error.expected.jsboolean");
            }
            if (!READINESS_PROTOCOLS.contains(check.getString("protocol"))) {
                add(errors, path + "/protocol", "is not one of (" + String.join(",", READINESS_PROTOCOLS) + ")");
            }
            for (String field : List.of("name", "path", "portName")) {
                if (check.getString(field).isEmpty()) {
                    add(errors, path + "/" + field, "must not be empty");
                }
            }
            String portName = check.getString("portName");
            if (!portName.isEmpty() && !ports.contains(portName)) {
                add(errors, path + "/portName", "is not one of (" + String.join(",", ports) + ")");
            }
            long interval = check.getLong("intervalSeconds");
            long timeout = check.getLong("timeoutSeconds");
            if (timeout >= interval) {
                add(errors, path + "/timeoutSeconds", "got " + timeout + ", expected less than " + interval);
            }
            if (timeout <= 0) {
                add(errors, path + "/timeoutSeconds", "got " + timeout + ", expected more than 0");
            }
            if (codes.isEmpty()) {
                add(errors, path + "/httpStatusCodesForReady", "must not be empty");
            }
        }
    }

    /** A readiness check with Marathon's defaults ({@code ReadinessCheck}'s) where a field is absent. */
    static JsonObject withDefaults(JsonObject check) {
        JsonObject c = check.copy();
        putIfAbsent(c, "name", "readinessCheck");
        putIfAbsent(c, "protocol", "HTTP");
        putIfAbsent(c, "path", "/");
        putIfAbsent(c, "portName", "http-api");
        putIfAbsent(c, "intervalSeconds", 30);
        putIfAbsent(c, "timeoutSeconds", 10);
        putIfAbsent(c, "httpStatusCodesForReady", new JsonArray().add(200));
        putIfAbsent(c, "preserveLastResponse", false);
        return c;
    }
}
