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

/** config-syncer's operator endpoints: promotions, suspensions, rollbacks. Raw: {@link ConfigSyncerClient} reads the answers. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
interface ConfigSyncerApi {

    @GET
    @Path("/promotions")
    Response pending(@HeaderParam("Authorization") String authorization);

    @POST
    @Path("/promotions/{repository}/{app}/{environment}/{decision}")
    @Consumes(MediaType.APPLICATION_JSON)
    Response decide(@PathParam("repository") String repository, @PathParam("app") String app,
            @PathParam("environment") String environment, @PathParam("decision") String decision,
            @HeaderParam("Authorization") String authorization, String body);

    @GET
    @Path("/suspensions")
    Response suspensions(@HeaderParam("Authorization") String authorization);

    @POST
    @Path("/apps/{app}/{environment}/{action}")
    @Consumes(MediaType.APPLICATION_JSON)
    Response steer(@PathParam("app") String app, @PathParam("environment") String environment,
            @PathParam("action") String action, @HeaderParam("Authorization") String authorization, String body);
}
