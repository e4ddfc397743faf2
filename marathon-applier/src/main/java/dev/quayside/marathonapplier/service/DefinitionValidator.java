package dev.quayside.marathonapplier.service;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a Marathon app or Chronos job definition before anything is sent, with Marathon's own rules and messages
 * where Marathon documents them, so an invalid definition never reaches Marathon or Chronos.
 */
@ApplicationScoped
public class DefinitionValidator {

    /** One path segment of a Marathon app id (Marathon's PathId rule). */
    private static final Pattern ID_SEGMENT = Pattern.compile(
            "^(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])$|^\\.{1,2}$");
    private static final Pattern CHRONOS_NAME = Pattern.compile("^[\\w.-]+$");
    private static final Pattern CHRONOS_SCHEDULE = Pattern.compile("^R(\\d*)/([^/]*)/(P.+)$");
    private static final Set<String> HEALTH_PROTOCOLS = Set.of("HTTP", "HTTPS", "TCP", "COMMAND", "MESOS_HTTP",
            "MESOS_HTTPS", "MESOS_TCP");
    private static final Set<String> PORT_PROTOCOLS = Set.of("tcp", "udp", "tcp,udp", "udp,tcp");

    /** Violations of a Marathon app definition; empty when Marathon would accept it. */
    public List<Violation> validateMarathon(JsonNode app) {
        List<Violation> violations = new ArrayList<>();
        if (app == null || !app.isObject()) {
            violations.add(new Violation("/", "an app definition must be a JSON object"));
            return violations;
        }
        JsonNode id = app.get("id");
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            violations.add(new Violation("/id", "error.path.missing"));
        } else {
            String text = id.asText().startsWith("/") ? id.asText().substring(1) : id.asText();
            for (String segment : text.split("/", -1)) {
                if (!ID_SEGMENT.matcher(segment).matches()) {
                    violations.add(new Violation("/id", "must fully match regular expression '"
                            + "^(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])|(\\.|\\.\\.)$'"));
                    break;
                }
            }
        }
        boolean hasCmd = app.hasNonNull("cmd");
        boolean hasArgs = app.hasNonNull("args") && app.get("args").size() > 0;
        if (hasCmd && hasArgs) {
            violations.add(new Violation("/", "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'."));
        }
        if (!hasCmd && !hasArgs && !app.hasNonNull("container")) {
            violations.add(new Violation("/", "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'."));
        }
        nonNegativeInteger(app, "instances", violations);
        nonNegativeNumber(app, "cpus", violations);
        nonNegativeNumber(app, "mem", violations);
        nonNegativeNumber(app, "disk", violations);
        nonNegativeNumber(app, "backoffSeconds", violations);
        if (app.has("backoffFactor") && (!app.get("backoffFactor").isNumber() || app.get("backoffFactor").asDouble() < 1)) {
            violations.add(new Violation("/backoffFactor", "got " + app.get("backoffFactor") + ", expected 1.0 or more"));
        }
        JsonNode strategy = app.path("upgradeStrategy");
        for (String field : List.of("minimumHealthCapacity", "maximumOverCapacity")) {
            JsonNode value = strategy.get(field);
            if (value != null && (!value.isNumber() || value.asDouble() < 0 || value.asDouble() > 1)) {
                violations.add(new Violation("/upgradeStrategy/" + field,
                        value.isNumber() && value.asDouble() > 1 ? "is greater than 1" : "is less than 0"));
            }
        }
        int ports = validateContainer(app, violations);
        JsonNode portDefinitions = app.path("portDefinitions");
        if (portDefinitions.isArray()) {
            ports = Math.max(ports, portDefinitions.size());
            for (int i = 0; i < portDefinitions.size(); i++) {
                port(portDefinitions.get(i), "/portDefinitions(" + i + ")/port", "port", violations);
            }
        }
        JsonNode healthChecks = app.path("healthChecks");
        if (!healthChecks.isMissingNode() && !healthChecks.isArray()) {
            violations.add(new Violation("/healthChecks", "error.expected.jsarray"));
        }
        for (int i = 0; healthChecks.isArray() && i < healthChecks.size(); i++) {
            JsonNode check = healthChecks.get(i);
            String at = "/healthChecks(" + i + ")";
            String protocol = check.path("protocol").asText("HTTP");
            if (!HEALTH_PROTOCOLS.contains(protocol)) {
                violations.add(new Violation(at + "/protocol", "error.unknown.enum.literal: " + protocol));
            }
            if (check.has("portIndex") && (!check.get("portIndex").canConvertToInt()
                    || check.get("portIndex").asInt() < 0 || check.get("portIndex").asInt() >= Math.max(ports, 1))) {
                violations.add(new Violation(at + "/portIndex", "Health check port indices must address an element of the ports array or container port mappings."));
            }
            for (String positive : List.of("intervalSeconds", "timeoutSeconds")) {
                if (check.has(positive) && check.get(positive).asInt(0) <= 0) {
                    violations.add(new Violation(at + "/" + positive, "got " + check.get(positive) + ", expected more than 0"));
                }
            }
            nonNegativeInteger(check, "gracePeriodSeconds", violations, at);
            nonNegativeInteger(check, "maxConsecutiveFailures", violations, at);
        }
        JsonNode env = app.path("env");
        if (env.isObject()) {
            env.fields().forEachRemaining(e -> {
                if (!e.getValue().isTextual() && !(e.getValue().isObject() && e.getValue().has("secret"))) {
                    violations.add(new Violation("/env/" + e.getKey(), "error.expected.jsstring"));
                }
            });
        } else if (!env.isMissingNode() && !env.isNull()) {
            violations.add(new Violation("/env", "error.expected.jsobject"));
        }
        JsonNode labels = app.path("labels");
        if (labels.isObject()) {
            labels.fields().forEachRemaining(e -> {
                if (!e.getValue().isTextual()) {
                    violations.add(new Violation("/labels/" + e.getKey(), "error.expected.jsstring"));
                }
            });
        }
        return violations;
    }

    /** Violations of a Chronos job; empty when Chronos would accept it. */
    public List<Violation> validateChronos(JsonNode job) {
        List<Violation> violations = new ArrayList<>();
        if (job == null || !job.isObject()) {
            violations.add(new Violation("/", "a job definition must be a JSON object"));
            return violations;
        }
        String name = job.path("name").asText("");
        if (!CHRONOS_NAME.matcher(name).matches()) {
            violations.add(new Violation("/name", "the job name must match [\\w.-]+, got '" + name + "'"));
        }
        if (job.path("command").asText("").isBlank() && !job.path("container").isObject()) {
            violations.add(new Violation("/command", "a job needs a command (or a container)"));
        }
        boolean scheduled = job.hasNonNull("schedule");
        boolean dependent = job.path("parents").isArray() && job.path("parents").size() > 0;
        if (scheduled && dependent) {
            violations.add(new Violation("/parents", "a job has either a schedule or parents, not both"));
        } else if (!scheduled && !dependent) {
            violations.add(new Violation("/schedule", "a job needs a schedule (R[n]/start/period) or parents"));
        } else if (scheduled) {
            String schedule = job.get("schedule").asText();
            var m = CHRONOS_SCHEDULE.matcher(schedule);
            if (!m.matches()) {
                violations.add(new Violation("/schedule", "not an ISO 8601 repeating interval R[n]/<start>/<period>: " + schedule));
            } else {
                if (!m.group(2).isEmpty()) {
                    try {
                        OffsetDateTime.parse(m.group(2));
                    } catch (DateTimeParseException e) {
                        violations.add(new Violation("/schedule", "bad start time '" + m.group(2) + "'"));
                    }
                }
                if (!isIsoPeriod(m.group(3))) {
                    violations.add(new Violation("/schedule", "bad period '" + m.group(3) + "'"));
                }
            }
        }
        nonNegativeInteger(job, "retries", violations);
        // Chronos reads numbers leniently: its own examples give "cpus": "0.5"
        for (String field : List.of("cpus", "mem", "disk")) {
            JsonNode value = job.get(field);
            if (value != null && !(value.isNumber() && value.asDouble() >= 0) && !isNonNegativeNumber(value.asText())) {
                violations.add(new Violation("/" + field, "got " + value + ", expected 0.0 or more"));
            }
        }
        return violations;
    }

    private static boolean isNonNegativeNumber(String text) {
        try {
            return Double.parseDouble(text) >= 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isIsoPeriod(String text) {
        try {
            if (text.contains("T")) {
                String[] parts = text.split("T", 2);
                if (!parts[0].equals("P")) {
                    java.time.Period.parse(parts[0]);
                }
                Duration.parse("PT" + parts[1]);
            } else {
                java.time.Period.parse(text);
            }
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static int validateContainer(JsonNode app, List<Violation> violations) {
        JsonNode container = app.path("container");
        if (container.isMissingNode() || container.isNull()) {
            return 0;
        }
        String type = container.path("type").asText("DOCKER");
        JsonNode docker = container.path("docker");
        if (type.equals("DOCKER") && docker.path("image").asText("").isBlank()) {
            violations.add(new Violation("/container/docker/image", "error.path.missing"));
        }
        JsonNode mappings = docker.has("portMappings") ? docker.get("portMappings") : container.path("portMappings");
        int ports = 0;
        if (mappings.isArray()) {
            ports = mappings.size();
            for (int i = 0; i < mappings.size(); i++) {
                JsonNode mapping = mappings.get(i);
                String at = "/container/docker/portMappings(" + i + ")";
                port(mapping, at + "/containerPort", "containerPort", violations);
                port(mapping, at + "/hostPort", "hostPort", violations);
                port(mapping, at + "/servicePort", "servicePort", violations);
                if (mapping.has("protocol") && !PORT_PROTOCOLS.contains(mapping.get("protocol").asText())) {
                    violations.add(new Violation(at + "/protocol", "error.unknown.enum.literal: " + mapping.get("protocol").asText()));
                }
            }
        }
        return ports;
    }

    private static void port(JsonNode node, String path, String field, List<Violation> violations) {
        JsonNode value = node.get(field);
        if (value != null && (!value.canConvertToInt() || value.asInt() < 0 || value.asInt() > 65535)) {
            violations.add(new Violation(path, "got " + value + ", expected a port between 0 and 65535"));
        }
    }

    private static void nonNegativeInteger(JsonNode node, String field, List<Violation> violations) {
        nonNegativeInteger(node, field, violations, "");
    }

    private static void nonNegativeInteger(JsonNode node, String field, List<Violation> violations, String at) {
        JsonNode value = node.get(field);
        if (value != null && (!value.isIntegralNumber() || value.asLong() < 0)) {
            violations.add(new Violation(at + "/" + field, "got " + value + ", expected 0 or more"));
        }
    }

    private static void nonNegativeNumber(JsonNode node, String field, List<Violation> violations) {
        JsonNode value = node.get(field);
        if (value != null && (!value.isNumber() || value.asDouble() < 0)) {
            violations.add(new Violation("/" + field, "got " + value + ", expected 0.0 or more"));
        }
    }
}
