package dev.quayside.edgerouter.service;

import dev.quayside.events.RoutesUpdated;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What HAProxy serves and what happened to the last render.
 *
 * @param instance      the edge-router instance
 * @param live          the routes of the configuration HAProxy runs
 * @param configHash    SHA-256 of that configuration, null before the first render
 * @param attempted     the routes of the last render (equal to {@code live} unless it failed)
 * @param attemptedHash SHA-256 of the last render, null when the template itself failed
 * @param outcome       what happened to the last render, null before the first
 * @param message       HAProxy's or the template's message for a failure, or a short note
 * @param at            when the last render finished
 */
public record RoutingState(String instance, RouteTable live, String configHash, RouteTable attempted,
        String attemptedHash, RoutesUpdated.Outcome outcome, String message, Instant at) {

    static RoutingState initial(String instance) {
        RouteTable empty = new RouteTable(List.of(), List.of());
        return new RoutingState(instance, empty, null, empty, null, null, "nothing rendered yet", Instant.now());
    }

    RoutingState live(RouteTable table, String hash, RoutesUpdated.Outcome outcome, String message) {
        return new RoutingState(instance, table, hash, table, hash, outcome, message, Instant.now());
    }

    RoutingState failed(RouteTable table, String hash, RoutesUpdated.Outcome outcome, String message) {
        return new RoutingState(instance, live, configHash, table, hash, outcome, message, Instant.now());
    }

    RoutingState withTable(RouteTable table) {
        boolean lastFailed = outcome == RoutesUpdated.Outcome.INVALID || outcome == RoutesUpdated.Outcome.RELOAD_FAILED;
        return new RoutingState(instance, table, configHash, lastFailed ? attempted : table,
                lastFailed ? attemptedHash : configHash, outcome, message, at);
    }

    /** The event announcing the last render. */
    public RoutesUpdated toEvent() {
        boolean ok = outcome == RoutesUpdated.Outcome.RELOADED || outcome == RoutesUpdated.Outcome.UNCHANGED;
        RouteTable table = ok ? live : attempted;
        List<RoutesUpdated.Route> routes = new ArrayList<>();
        for (Route route : table.routes()) {
            List<String> backends = route.servers().stream().map(Route.Server::endpoint).toList();
            if (route.http()) {
                for (String host : route.hosts()) {
                    routes.add(new RoutesUpdated.Route(route.service(), host, null, backends));
                }
            } else {
                routes.add(new RoutesUpdated.Route(route.service(), null, route.port(), backends));
            }
        }
        String hash = ok ? configHash : attemptedHash;
        return new RoutesUpdated(instance, routes, hash == null ? "none" : hash, outcome, ok ? null : message,
                table.problems());
    }
}
