package dev.quayside.devstack.marathon;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Marathon app definitions: type checks (400 {@code Invalid JSON}, as Marathon's JSON reader), Marathon's validation
 * rules (422 {@code Object is not valid} with {@code details[{path, errors}]}), id normalisation and Marathon's defaults.
 */
final class AppDefinitions {

    /** Marathon's rule for each path segment of an app id. */
    static final String ID_SEGMENT_REGEX = "^(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])|(\\.|\\.\\.)$";
    private static final Pattern ID_SEGMENT = Pattern.compile(ID_SEGMENT_REGEX);
    static final String CMD_ARGS_CONTAINER = "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'.";
    static final String VERSION_ONLY_WITH_ID = "The 'version' field may only be combined with the 'id' field.";
    private static final Set<String> HEALTH_PROTOCOLS = Set.of("HTTP", "HTTPS", "TCP", "COMMAND", "MESOS_HTTP",
            "MESOS_HTTPS", "MESOS_TCP");
    /** Fields Marathon returns but never reads back from a definition. */
    static final List<String> READ_ONLY = List.of("version", "versionInfo", "tasksStaged", "tasksRunning",
            "tasksHealthy", "tasksUnhealthy", "deployments", "tasks", "lastTaskFailure", "taskStats", "readinessCheckResults");

    private AppDefinitions() {
    }

    /** Parses a request body into an object; broken JSON answers 400 as Marathon does. */
    static JsonObject parseObject(String body) {
        Object parsed = parse(body);
        if (!(parsed instanceof JsonObject object)) {
            throw ApiException.invalidJson("", "error.expected.jsobject");
        }
        return object;
    }

    static Object parse(String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.invalidJson("", "error.expected.jsobject: empty body");
        }
        try {
            return io.vertx.core.json.Json.decodeValue(body);
        } catch (io.vertx.core.json.DecodeException e) {
            String reason = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            int cut = reason == null ? -1 : reason.indexOf("\n at [");
            throw ApiException.invalidJson("", "Unexpected JSON: " + (cut > 0 ? reason.substring(0, cut) : reason));
        }
    }

    /** Makes an id absolute ({@code foo} → {@code /foo}) and drops a trailing slash. */
    static String absolute(String id) {
        String abs = id.startsWith("/") ? id : "/" + id;
        while (abs.length() > 1 && abs.endsWith("/")) {
            abs = abs.substring(0, abs.length() - 1);
        }
        return abs;
    }

    /** Checks JSON types of the known fields: 400 {@code Invalid JSON} with Marathon's {@code error.expected.*}. */
    static void checkTypes(JsonObject app) {
        type(app, "id", String.class, "jsstring");
        type(app, "cmd", String.class, "jsstring");
        type(app, "args", JsonArray.class, "jsarray");
        type(app, "user", String.class, "jsstring");
        for (String number : List.of("instances", "cpus", "mem", "disk", "gpus", "backoffSeconds", "backoffFactor",
                "maxLaunchDelaySeconds", "taskKillGracePeriodSeconds")) {
            type(app, number, Number.class, "jsnumber");
        }
        for (String object : List.of("env", "labels", "container", "upgradeStrategy", "secrets")) {
            type(app, object, JsonObject.class, "jsobject");
        }
        for (String array : List.of("healthChecks", "constraints", "dependencies", "portDefinitions", "fetch",
                "acceptedResourceRoles", "uris", "ports", "networks", "readinessChecks")) {
            type(app, array, JsonArray.class, "jsarray");
        }
        if (app.getValue("instances") instanceof Number n && n.doubleValue() != Math.rint(n.doubleValue())) {
            throw ApiException.invalidJson("/instances", "error.expected.int");
        }
        if (app.getValue("args") instanceof JsonArray args) {
            for (int i = 0; i < args.size(); i++) {
                if (!(args.getValue(i) instanceof String)) {
                    throw ApiException.invalidJson("/args(" + i + ")", "error.expected.jsstring");
                }
            }
        }
        for (String list : List.of("healthChecks", "readinessChecks")) {
            if (app.getValue(list) instanceof JsonArray checks) {
                for (int i = 0; i < checks.size(); i++) {
                    if (!(checks.getValue(i) instanceof JsonObject)) {
                        throw ApiException.invalidJson("/" + list + "(" + i + ")", "error.expected.jsobject");
                    }
                }
            }
        }
        if (app.getValue("container") instanceof JsonObject container) {
            if (container.getValue("docker") != null && !(container.getValue("docker") instanceof JsonObject)) {
                throw ApiException.invalidJson("/container/docker", "error.expected.jsobject");
            }
            if (container.getValue("docker") instanceof JsonObject docker && docker.getValue("image") != null
                    && !(docker.getValue("image") instanceof String)) {
                throw ApiException.invalidJson("/container/docker/image", "error.expected.jsstring");
            }
        }
    }

    private static void type(JsonObject app, String field, Class<?> type, String expected) {
        Object value = app.getValue(field);
        if (value != null && !type.isInstance(value)) {
            throw ApiException.invalidJson("/" + field, "error.expected." + expected);
        }
    }

    /**
     * Validates a complete (merged) app definition as Marathon does and answers 422 with every problem found.
     */
    static void validate(JsonObject app) {
        checkTypes(app);
        Map<String, List<String>> errors = new LinkedHashMap<>();
        String id = app.getString("id");
        if (id == null || id.isBlank()) {
            add(errors, "/id", "error.path.missing");
        } else {
            validateId(id, "/id", errors);
        }
        boolean cmd = app.getString("cmd") != null && !app.getString("cmd").isEmpty();
        boolean args = app.getJsonArray("args") != null && !app.getJsonArray("args").isEmpty();
        JsonObject container = app.getJsonObject("container");
        boolean hasContainer = container != null && (container.getJsonObject("docker") != null
                || "DOCKER".equals(container.getString("type")) || "MESOS".equals(container.getString("type")));
        if (!((cmd ^ args) || (!(cmd && args) && hasContainer))) {
            add(errors, "/", CMD_ARGS_CONTAINER);
        }
        atLeast(app, "instances", 0, errors, true);
        atLeast(app, "cpus", 0, errors, false);
        atLeast(app, "mem", 0, errors, false);
        atLeast(app, "disk", 0, errors, false);
        atLeast(app, "gpus", 0, errors, true);
        atLeast(app, "backoffSeconds", 0, errors, true);
        atLeast(app, "backoffFactor", 1, errors, false);
        atLeast(app, "maxLaunchDelaySeconds", 0, errors, true);
        if (app.getValue("taskKillGracePeriodSeconds") instanceof Number grace && grace.doubleValue() <= 0) {
            add(errors, "/taskKillGracePeriodSeconds", "got " + grace + ", expected 1 or more");
        }
        JsonObject strategy = app.getJsonObject("upgradeStrategy");
        if (strategy != null) {
            for (String field : List.of("minimumHealthCapacity", "maximumOverCapacity")) {
                Object value = strategy.getValue(field);
                if (value == null) {
                    continue;
                }
                if (!(value instanceof Number number)) {
                    throw ApiException.invalidJson("/upgradeStrategy/" + field, "error.expected.jsnumber");
                }
                if (number.doubleValue() > 1) {
                    add(errors, "/upgradeStrategy/" + field, "is greater than 1");
                } else if (number.doubleValue() < 0) {
                    add(errors, "/upgradeStrategy/" + field, "is less than 0");
                }
            }
        }
        JsonObject env = app.getJsonObject("env");
        if (env != null) {
            for (Map.Entry<String, Object> e : env) {
                if (e.getValue() instanceof JsonObject ref && ref.containsKey("secret")) {
                    add(errors, "/env/" + e.getKey(),
                            "Feature secrets is not enabled. Enable with --enable_features secrets)");
                } else if (!(e.getValue() instanceof String)) {
                    throw ApiException.invalidJson("/env/" + e.getKey(), "error.expected.jsstring");
                }
            }
        }
        if (app.getJsonObject("secrets") != null && !app.getJsonObject("secrets").isEmpty()) {
            add(errors, "/secrets", "Feature secrets is not enabled. Enable with --enable_features secrets)");
        }
        JsonObject labels = app.getJsonObject("labels");
        if (labels != null) {
            for (Map.Entry<String, Object> e : labels) {
                if (!(e.getValue() instanceof String)) {
                    throw ApiException.invalidJson("/labels/" + e.getKey(), "error.expected.jsstring");
                }
            }
        }
        JsonArray dependencies = app.getJsonArray("dependencies");
        if (dependencies != null) {
            for (int i = 0; i < dependencies.size(); i++) {
                if (!(dependencies.getValue(i) instanceof String dep)) {
                    throw ApiException.invalidJson("/dependencies(" + i + ")", "error.expected.jsstring");
                }
                validateId(dep, "/dependencies(" + i + ")", errors);
            }
        }
        List<JsonObject> mappings = portMappings(app);
        if (container != null) {
            String type = container.getString("type", "DOCKER");
            if (!type.equals("DOCKER") && !type.equals("MESOS")) {
                add(errors, "/container/type", "is not one of (DOCKER,MESOS)");
            }
            JsonObject docker = container.getJsonObject("docker");
            if ("DOCKER".equals(type) && (docker == null || docker.getString("image") == null
                    || docker.getString("image").isBlank())) {
                add(errors, "/container/docker/image", "must not be empty");
            }
            String prefix = container.getJsonArray("portMappings") != null ? "/container/portMappings"
                    : "/container/docker/portMappings";
            Set<String> names = new HashSet<>();
            for (int i = 0; i < mappings.size(); i++) {
                JsonObject m = mappings.get(i);
                portRange(m, "containerPort", prefix + "(" + i + ")/containerPort", errors);
                portRange(m, "hostPort", prefix + "(" + i + ")/hostPort", errors);
                portRange(m, "servicePort", prefix + "(" + i + ")/servicePort", errors);
                String name = m.getString("name");
                if (name != null && !names.add(name)) {
                    add(errors, prefix, "Port names must be unique.");
                }
            }
        }
        JsonArray portDefinitions = app.getJsonArray("portDefinitions");
        if (portDefinitions != null) {
            Set<String> names = new HashSet<>();
            for (int i = 0; i < portDefinitions.size(); i++) {
                if (!(portDefinitions.getValue(i) instanceof JsonObject p)) {
                    throw ApiException.invalidJson("/portDefinitions(" + i + ")", "error.expected.jsobject");
                }
                portRange(p, "port", "/portDefinitions(" + i + ")/port", errors);
                String name = p.getString("name");
                if (name != null && !names.add(name)) {
                    add(errors, "/portDefinitions", "Port names must be unique.");
                }
            }
        }
        JsonArray checks = app.getJsonArray("healthChecks");
        int portCount = hostPortCount(app);
        if (checks != null) {
            for (int i = 0; i < checks.size(); i++) {
                JsonObject check = checks.getJsonObject(i);
                String path = "/healthChecks(" + i + ")";
                String protocol = check.getString("protocol", "HTTP");
                if (!HEALTH_PROTOCOLS.contains(protocol)) {
                    add(errors, path + "/protocol", "is not one of (" + String.join(",",
                            List.of("HTTP", "HTTPS", "TCP", "COMMAND", "MESOS_HTTP", "MESOS_HTTPS", "MESOS_TCP")) + ")");
                }
                for (String field : List.of("gracePeriodSeconds", "intervalSeconds", "timeoutSeconds",
                        "maxConsecutiveFailures", "portIndex", "port")) {
                    Object value = check.getValue(field);
                    if (value != null && !(value instanceof Number)) {
                        throw ApiException.invalidJson(path + "/" + field, "error.expected.jsnumber");
                    }
                    if (value instanceof Number n && n.doubleValue() < 0) {
                        add(errors, path + "/" + field, "got " + n + ", expected 0 or more");
                    }
                }
                if (!"COMMAND".equals(protocol) && check.getValue("port") == null) {
                    int index = check.getInteger("portIndex", 0);
                    if (index >= portCount) {
                        add(errors, path, "Health check port indices must address an element of the ports array "
                                + "or container port mappings.");
                    }
                }
            }
        }
        ReadinessChecks.validate(app, errors);
        DockerContainers.validate(app, errors);
        if (!errors.isEmpty()) {
            JsonArray details = new JsonArray();
            errors.forEach((path, list) -> details.add(new JsonObject().put("path", path)
                    .put("errors", new JsonArray(new ArrayList<>(list)))));
            throw ApiException.notValid(details);
        }
    }

    static void validateId(String id, String path, Map<String, List<String>> errors) {
        String abs = absolute(id);
        if (abs.equals("/")) {
            add(errors, path, "path must not be empty");
            return;
        }
        for (String segment : abs.substring(1).split("/", -1)) {
            if (!ID_SEGMENT.matcher(segment).matches()) {
                add(errors, path, "must fully match regular expression '" + ID_SEGMENT_REGEX + "'");
                return;
            }
        }
    }

    private static void portRange(JsonObject o, String field, String path, Map<String, List<String>> errors) {
        Object value = o.getValue(field);
        if (value == null) {
            return;
        }
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw ApiException.invalidJson(path, "error.expected.int");
        }
        if (n.intValue() < 0 || n.intValue() > 65535) {
            add(errors, path, "got " + n + ", expected between 0 and 65535");
        }
    }

    private static void atLeast(JsonObject app, String field, double min, Map<String, List<String>> errors,
            boolean integral) {
        if (app.getValue(field) instanceof Number n && n.doubleValue() < min) {
            String got = integral ? String.valueOf(n.longValue()) : String.valueOf(n.doubleValue());
            String expected = integral ? String.valueOf((long) min) : String.valueOf(min);
            add(errors, "/" + field, "got " + got + ", expected " + expected + " or more");
        }
    }

    /** Adds a 422 problem at {@code path}. */
    static void add(Map<String, List<String>> errors, String path, String error) {
        errors.computeIfAbsent(path, k -> new ArrayList<>()).add(error);
    }

    /** Port mappings from {@code container.portMappings} (1.5+) or {@code container.docker.portMappings}. */
    static List<JsonObject> portMappings(JsonObject app) {
        JsonObject container = app.getJsonObject("container");
        if (container == null) {
            return List.of();
        }
        JsonArray mappings = container.getJsonArray("portMappings");
        if (mappings == null && container.getJsonObject("docker") != null) {
            mappings = container.getJsonObject("docker").getJsonArray("portMappings");
        }
        List<JsonObject> list = new ArrayList<>();
        if (mappings != null) {
            for (int i = 0; i < mappings.size(); i++) {
                if (!(mappings.getValue(i) instanceof JsonObject m)) {
                    throw ApiException.invalidJson("/container/portMappings(" + i + ")", "error.expected.jsobject");
                }
                list.add(m);
            }
        }
        return list;
    }

    /**
     * The name of each host port of a task of this app (port mappings, else port definitions; {@code null} where a
     * port has no name), in the order of {@link Task#hostPorts}.
     */
    static List<String> portNames(JsonObject app) {
        List<String> names = new ArrayList<>();
        List<JsonObject> mappings = portMappings(app);
        if (!mappings.isEmpty()) {
            mappings.forEach(m -> names.add(m.getValue("name") instanceof String name ? name : null));
            return names;
        }
        JsonArray defs = app.getJsonArray("portDefinitions");
        if (defs != null) {
            for (int i = 0; i < defs.size(); i++) {
                names.add(defs.getValue(i) instanceof JsonObject p && p.getValue("name") instanceof String name
                        ? name : null);
            }
        }
        return names;
    }

    /** How many host ports a task of this app gets (port mappings, else port definitions). */
    static int hostPortCount(JsonObject app) {
        List<JsonObject> mappings = portMappings(app);
        if (!mappings.isEmpty()) {
            return mappings.size();
        }
        JsonArray defs = app.getJsonArray("portDefinitions");
        if (defs != null) {
            return defs.size();
        }
        JsonArray ports = app.getJsonArray("ports");
        return ports == null ? 0 : ports.size();
    }

    /**
     * Returns a copy with Marathon's defaults filled in, the id made absolute and the networking in Marathon 1.5's
     * form ({@link Networking}), which is what Marathon stores and answers whichever form it was given.
     */
    static JsonObject withDefaults(JsonObject app) {
        JsonObject d = Networking.canonicalUpdate(app);
        READ_ONLY.forEach(d::remove);
        d.put("id", absolute(d.getString("id")));
        putIfAbsent(d, "instances", 1);
        putIfAbsent(d, "cpus", 1.0);
        putIfAbsent(d, "mem", 128.0);
        putIfAbsent(d, "disk", 0.0);
        putIfAbsent(d, "gpus", 0);
        putIfAbsent(d, "backoffSeconds", 1);
        putIfAbsent(d, "backoffFactor", 1.15);
        putIfAbsent(d, "maxLaunchDelaySeconds", 300);
        putIfAbsent(d, "executor", "");
        putIfAbsent(d, "env", new JsonObject());
        putIfAbsent(d, "labels", new JsonObject());
        putIfAbsent(d, "constraints", new JsonArray());
        putIfAbsent(d, "dependencies", new JsonArray());
        putIfAbsent(d, "fetch", new JsonArray());
        putIfAbsent(d, "requirePorts", false);
        putIfAbsent(d, "killSelection", "YOUNGEST_FIRST");
        Networking.canonicalise(d);
        JsonObject strategy = d.getJsonObject("upgradeStrategy");
        strategy = strategy == null ? new JsonObject() : strategy.copy();
        putIfAbsent(strategy, "minimumHealthCapacity", 1.0);
        putIfAbsent(strategy, "maximumOverCapacity", 1.0);
        d.put("upgradeStrategy", strategy);
        JsonArray checks = d.getJsonArray("healthChecks");
        JsonArray filled = new JsonArray();
        if (checks != null) {
            for (int i = 0; i < checks.size(); i++) {
                JsonObject c = checks.getJsonObject(i).copy();
                String protocol = c.getString("protocol", "HTTP");
                c.put("protocol", protocol);
                if (protocol.contains("HTTP")) {
                    putIfAbsent(c, "path", "/");
                    putIfAbsent(c, "ignoreHttp1xx", false);
                }
                if (!"COMMAND".equals(protocol) && !c.containsKey("port")) {
                    putIfAbsent(c, "portIndex", 0);
                }
                putIfAbsent(c, "gracePeriodSeconds", 300);
                putIfAbsent(c, "intervalSeconds", 60);
                putIfAbsent(c, "timeoutSeconds", 20);
                putIfAbsent(c, "maxConsecutiveFailures", 3);
                putIfAbsent(c, "delaySeconds", 15);
                filled.add(c);
            }
        }
        d.put("healthChecks", filled);
        if (d.getJsonArray("readinessChecks") != null) {
            JsonArray readiness = new JsonArray();
            d.getJsonArray("readinessChecks").forEach(c -> readiness.add(ReadinessChecks.withDefaults((JsonObject) c)));
            d.put("readinessChecks", readiness);
        }
        return d;
    }

    static void putIfAbsent(JsonObject o, String key, Object value) {
        if (o.getValue(key) == null) {
            o.put(key, value);
        }
    }

    /** Everything that restarts tasks when it changes (all but instances and read-only fields). */
    static JsonObject config(JsonObject definition) {
        JsonObject c = definition.copy();
        c.remove("instances");
        READ_ONLY.forEach(c::remove);
        return c;
    }
}
