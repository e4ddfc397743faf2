package dev.quayside.board.rest;

import dev.quayside.board.client.ConfigSyncerClient;
import dev.quayside.board.client.ConfigSyncerClient.Steering;
import dev.quayside.board.service.BoardView;
import dev.quayside.board.service.Views;
import dev.quayside.kit.security.OperatorAction;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * What runs where: every app in every environment, and an app's deployments; and steering an app in one environment
 * (suspend, resume, roll back), relayed to config-syncer, which makes each a commit in the config repository.
 */
@Path("/api/apps")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "apps")
class AppsResource {

    private final BoardView view;
    private final ConfigSyncerClient configSyncer;

    AppsResource(BoardView view, ConfigSyncerClient configSyncer) {
        this.view = view;
        this.configSyncer = configSyncer;
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

    @POST
    @Path("/{app}/{environment}/suspend")
    @Consumes(MediaType.APPLICATION_JSON)
    @OperatorAction
    @SecurityRequirement(name = "operator")
    @Tag(name = "actions")
    @Operation(summary = "Suspend the app's automation in the environment: config-syncer commits"
            + " .quayside/suspended/<environment>/<app>.yml to the config repository; until resumed, nothing is synced"
            + " or deployed there for it. Body (all optional): {\"repository\", \"by\", \"reason\"}")
    @APIResponse(responseCode = "200", description = "suspended (config-syncer's answer under configSyncer: its commit,"
            + " or null when the app was suspended already)")
    @APIResponse(responseCode = "400", description = "a bad body, or the app is in several config repositories and"
            + " none was named")
    @APIResponse(responseCode = "401", description = "no or a wrong operator token")
    @APIResponse(responseCode = "404", description = "no definition of the app in the environment")
    @APIResponse(responseCode = "502", description = "config-syncer refused the board or answered an error")
    @APIResponse(responseCode = "503", description = "config-syncer did not answer")
    public Response suspend(@PathParam("app") String app, @PathParam("environment") String environment, String body) {
        return steer(app, environment, Steering.SUSPEND, body, "suspended");
    }

    @POST
    @Path("/{app}/{environment}/resume")
    @Consumes(MediaType.APPLICATION_JSON)
    @OperatorAction
    @SecurityRequirement(name = "operator")
    @Tag(name = "actions")
    @Operation(summary = "Resume the app's automation in the environment: config-syncer commits the removal of its"
            + " suspension, and what Git holds is applied. Body (all optional): {\"repository\", \"by\"}")
    @APIResponse(responseCode = "200", description = "resumed (config-syncer's answer under configSyncer)")
    @APIResponse(responseCode = "400", description = "a bad body, or the app is in several config repositories and"
            + " none was named")
    @APIResponse(responseCode = "401", description = "no or a wrong operator token")
    @APIResponse(responseCode = "404", description = "the app is not suspended in the environment")
    @APIResponse(responseCode = "409", description = "it is suspended in quayside.yml itself: edit quayside.yml")
    @APIResponse(responseCode = "502", description = "config-syncer refused the board or answered an error")
    @APIResponse(responseCode = "503", description = "config-syncer did not answer")
    public Response resume(@PathParam("app") String app, @PathParam("environment") String environment, String body) {
        return steer(app, environment, Steering.RESUME, body, "resumed");
    }

    @POST
    @Path("/{app}/{environment}/rollback")
    @Consumes(MediaType.APPLICATION_JSON)
    @OperatorAction
    @SecurityRequirement(name = "operator")
    @Tag(name = "actions")
    @Operation(summary = "Roll the app back in the environment: config-syncer commits an earlier version of its"
            + " definition (default: as it was before its last change). Body (all optional): {\"repository\","
            + " \"to\": \"<config commit id | image | image tag>\", \"by\", \"reason\"}")
    @APIResponse(responseCode = "200", description = "rolled back (config-syncer's answer under configSyncer: commit,"
            + " file, fromImage, toImage, restoredFrom)")
    @APIResponse(responseCode = "400", description = "a bad body, or the app is in several config repositories and"
            + " none was named")
    @APIResponse(responseCode = "401", description = "no or a wrong operator token")
    @APIResponse(responseCode = "404", description = "no definition of the app in the environment, or no earlier"
            + " version matching 'to'")
    @APIResponse(responseCode = "409", description = "the app is suspended there (resume it first), or already at that"
            + " version")
    @APIResponse(responseCode = "502", description = "config-syncer refused the board or answered an error")
    @APIResponse(responseCode = "503", description = "config-syncer did not answer")
    public Response rollback(@PathParam("app") String app, @PathParam("environment") String environment, String body) {
        return steer(app, environment, Steering.ROLLBACK, body, "rolled-back");
    }

    private Response steer(String app, String environment, Steering steering, String body, String done) {
        Map<String, Object> relayed = new LinkedHashMap<>();
        relayed.put("app", app);
        relayed.put("environment", environment);
        relayed.put("action", steering.path());
        return Relayed.of("config-syncer", "configSyncer", configSyncer.steer(app, environment, steering, body),
                relayed, done, null);
    }
}
