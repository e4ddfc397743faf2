package dev.quayside.events;

import java.util.List;

/**
 * edge-router rendered the Consul catalog into HAProxy (custom type {@code quayside-routes.updated}).
 *
 * @param instance   the edge-router instance
 * @param routes     what was rendered
 * @param configHash SHA-256 of the rendered configuration
 * @param outcome    what happened to it
 * @param message    HAProxy's message for an invalid render or failed reload, or null
 * @param problems   catalog data left out of the configuration and why (a name that is not printable, a host or port
 *                   another service owns...), each on one line; empty when there is none
 */
public record RoutesUpdated(String instance, List<Route> routes, String configHash, Outcome outcome, String message,
        List<String> problems) implements PipelineEvent {

    public RoutesUpdated {
        problems = problems == null ? List.of() : List.copyOf(problems);
    }

    /** An announcement without problems. */
    public RoutesUpdated(String instance, List<Route> routes, String configHash, Outcome outcome, String message) {
        this(instance, routes, configHash, outcome, message, List.of());
    }

    /** One exposed service. */
    public record Route(String service, String host, Integer port, List<String> backends) {
    }

    public enum Outcome {
        RELOADED, UNCHANGED, INVALID, RELOAD_FAILED
    }

    @Override
    public String subjectId() {
        return instance + "@" + configHash;
    }

    @Override
    public String partitionKey() {
        return instance;
    }
}
