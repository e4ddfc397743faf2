package dev.quayside.board.rest;

import dev.quayside.board.service.BoardView;
import dev.quayside.board.service.Views;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What runs where: every app in every environment, and an app's deployments. */
@Path("/api/apps")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "apps")
class AppsResource {

    private final BoardView view;

    AppsResource(BoardView view) {
        this.view = view;
    }

    @GET
    @Operation(summary = "Every app × environment: image and digest, source commit, definition version, instances "
            + "healthy/wanted (from Marathon), since when, the last change and failure")
    public Views.Apps apps() {
        return view.apps();
    }

    @GET
    @Path("/{app}")
    @Operation(summary = "One app in each of its environments")
    @APIResponse(responseCode = "404", description = "no deployment of this app was seen")
    public Views.AppRow app(@PathParam("app") String app) {
        Views.AppRow row = view.app(app);
        if (row == null) {
            throw ApiErrors.notFound("no deployment of app '" + app + "' was seen");
        }
        return row;
    }

    @GET
    @Path("/{app}/history")
    @Operation(summary = "An app's deployments, newest first (deployed, upgraded, unchanged, rolled-back, removed, failed)")
    @APIResponse(responseCode = "404", description = "the app, or the app in that environment, was never seen")
    public List<Views.HistoryEntry> history(@PathParam("app") String app, @QueryParam("env") String environment,
            @QueryParam("limit") @DefaultValue("50") int limit) {
        ApiErrors.limit(limit, 1000);
        String env = environment == null || environment.isBlank() ? null : environment;
        List<Views.HistoryEntry> history = view.history(app, env);
        if (history == null) {
            throw ApiErrors.notFound("no deployment of app '" + app + "' was seen");
        }
        if (env != null && history.isEmpty()) {
            Set<String> known = new TreeSet<>(view.environmentsOf(app));
            throw ApiErrors.notFound("app '" + app + "' was never deployed in environment '" + env + "' (it was in: "
                    + String.join(", ", known) + ")");
        }
        return history.subList(0, Math.min(limit, history.size()));
    }
}
