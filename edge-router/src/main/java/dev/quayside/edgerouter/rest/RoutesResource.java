package dev.quayside.edgerouter.rest;

import dev.quayside.edgerouter.service.Route;
import dev.quayside.edgerouter.service.RouteSyncService;
import dev.quayside.edgerouter.service.RoutingState;
import dev.quayside.events.RoutesUpdated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;

/** {@code GET /routes}: what HAProxy serves, with each route's instances and their health, and the last render. */
@Path("/routes")
@Produces(MediaType.APPLICATION_JSON)
public class RoutesResource {

    private final RouteSyncService sync;

    RoutesResource(RouteSyncService sync) {
        this.sync = sync;
    }

    /**
     * @param instance   this edge-router
     * @param configHash SHA-256 of the configuration HAProxy runs
     * @param routes     the routes in it
     * @param problems   catalog metadata that was ignored, and why
     * @param lastRender what happened to the last render
     */
    record RoutesView(String instance, String configHash, List<Route> routes, List<String> problems,
            LastRender lastRender) {
    }

    /** The last render: it may have been rejected while the routes above keep serving. */
    record LastRender(RoutesUpdated.Outcome outcome, String configHash, String message, Instant at) {
    }

    @GET
    public RoutesView routes() {
        RoutingState state = sync.state();
        return new RoutesView(state.instance(), state.configHash(), state.live().routes(), state.live().problems(),
                new LastRender(state.outcome(), state.attemptedHash(), state.message(), state.at()));
    }
}
