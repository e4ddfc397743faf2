package dev.quayside.board.client;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** config-syncer's promotion endpoints. Raw: {@link ConfigSyncerClient} reads the answers. */
@Path("/api/promotions")
@Produces(MediaType.APPLICATION_JSON)
interface ConfigSyncerApi {

    @GET
    Response pending(@HeaderParam("Authorization") String authorization);

    @POST
    @Path("/{repository}/{app}/{environment}/{decision}")
    @Consumes(MediaType.APPLICATION_JSON)
    Response decide(@PathParam("repository") String repository, @PathParam("app") String app,
            @PathParam("environment") String environment, @PathParam("decision") String decision,
            @HeaderParam("Authorization") String authorization, String body);
}
