package dev.quayside.marathonapplier.client;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.Encoded;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Marathon REST API v2, the part Quayside uses. Raw: {@link MarathonClient} interprets the responses. */
@Path("/v2")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
interface MarathonApi {

    /** {@code appId} without its leading slash; its slashes are path separators. */
    @GET
    @Path("/apps/{appId}")
    Response app(@PathParam("appId") @Encoded String appId, @QueryParam("embed") String embed);

    @GET
    @Path("/apps/{appId}/versions")
    Response versions(@PathParam("appId") @Encoded String appId);

    @GET
    @Path("/apps")
    Response apps(@QueryParam("embed") String embed, @QueryParam("label") String label);

    @PUT
    @Path("/apps/{appId}")
    Response putApp(@PathParam("appId") @Encoded String appId, @QueryParam("force") boolean force, JsonNode body);

    @DELETE
    @Path("/apps/{appId}")
    Response deleteApp(@PathParam("appId") @Encoded String appId, @QueryParam("force") boolean force);

    @GET
    @Path("/deployments")
    Response deployments();

    @GET
    @Path("/info")
    Response info();
}
