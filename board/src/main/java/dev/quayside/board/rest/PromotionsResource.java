package dev.quayside.board.rest;

import dev.quayside.board.client.ConfigSyncerClient;
import dev.quayside.board.client.ServiceAnswer;
import dev.quayside.kit.security.OperatorAction;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Promotions waiting at a gate (a soak time, a manual approval) and a person's decision on one, relayed to
 * config-syncer, which keeps them: the board holds no state of its own about them.
 */
@Path("/api/promotions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "actions")
class PromotionsResource {

    private final ConfigSyncerClient configSyncer;

    PromotionsResource(ConfigSyncerClient configSyncer) {
        this.configSyncer = configSyncer;
    }

    @GET
    @Operation(summary = "The promotions waiting at a gate, as config-syncer keeps them")
    @APIResponse(responseCode = "200", description = "config-syncer's list, under configSyncer")
    @APIResponse(responseCode = "502", description = "config-syncer refused the board or answered an error")
    @APIResponse(responseCode = "503", description = "config-syncer did not answer")
    public Response pending() {
        return Relayed.of("config-syncer", "configSyncer", configSyncer.pending(), new LinkedHashMap<>(), "listed",
                null);
    }

    @POST
    @Path("/{repository}/{app}/{environment}/approve")
    @Consumes(MediaType.APPLICATION_JSON)
    @OperatorAction
    @SecurityRequirement(name = "operator")
    @Operation(summary = "Approve the promotion of an app into an environment; the body may name the image approved,"
            + " {\"image\": \"…\"}, so that a newer one waiting since is not approved unseen")
    @APIResponse(responseCode = "200", description = "approved (config-syncer's answer under configSyncer)")
    @APIResponse(responseCode = "401", description = "no or a wrong operator token")
    @APIResponse(responseCode = "404", description = "no promotion of the app into the environment is waiting")
    @APIResponse(responseCode = "409", description = "the promotion waiting is for another image than the one named")
    public Response approve(@PathParam("repository") String repository, @PathParam("app") String app,
            @PathParam("environment") String environment, String body) {
        return decide(repository, app, environment, ConfigSyncerClient.Decision.APPROVE, body, "approved");
    }

    @POST
    @Path("/{repository}/{app}/{environment}/reject")
    @Consumes(MediaType.APPLICATION_JSON)
    @OperatorAction
    @SecurityRequirement(name = "operator")
    @Operation(summary = "Reject the promotion of an app into an environment: nothing is written there")
    @APIResponse(responseCode = "200", description = "rejected (config-syncer's answer under configSyncer)")
    @APIResponse(responseCode = "401", description = "no or a wrong operator token")
    @APIResponse(responseCode = "404", description = "no promotion of the app into the environment is waiting")
    @APIResponse(responseCode = "409", description = "the promotion waiting is for another image than the one named")
    public Response reject(@PathParam("repository") String repository, @PathParam("app") String app,
            @PathParam("environment") String environment, String body) {
        return decide(repository, app, environment, ConfigSyncerClient.Decision.REJECT, body, "rejected");
    }

    private Response decide(String repository, String app, String environment, ConfigSyncerClient.Decision decision,
            String body, String done) {
        ServiceAnswer answer = configSyncer.decide(repository, app, environment, decision, body);
        Map<String, Object> relayed = new LinkedHashMap<>();
        relayed.put("repository", repository);
        relayed.put("app", app);
        relayed.put("environment", environment);
        return Relayed.of("config-syncer", "configSyncer", answer, relayed, done, null);
    }
}
