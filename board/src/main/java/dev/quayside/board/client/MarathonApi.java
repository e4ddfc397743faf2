package dev.quayside.board.client;

import jakarta.ws.rs.Encoded;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The one Marathon call the board makes. Raw: {@link MarathonClient} interprets the answer. */
@Path("/v2")
@Produces(MediaType.APPLICATION_JSON)
interface MarathonApi {

    /** {@code appId} without its leading slash; its slashes are path separators. */
    @GET
    @Path("/apps/{appId}")
    Response app(@PathParam("appId") @Encoded String appId, @HeaderParam("Authorization") String authorization);
}
