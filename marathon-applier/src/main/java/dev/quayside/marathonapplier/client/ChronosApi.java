package dev.quayside.marathonapplier.client;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Chronos' scheduler API below its base path ({@code /scheduler} or {@code /v1/scheduler}). */
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
interface ChronosApi {

    @POST
    @Path("/iso8601")
    Response iso8601(JsonNode job);

    @POST
    @Path("/dependency")
    Response dependency(JsonNode job);

    @GET
    @Path("/jobs")
    Response jobs();

    @GET
    @Path("/jobs/search")
    Response search(@QueryParam("name") String name);

    @DELETE
    @Path("/job/{name}")
    Response delete(@PathParam("name") String name);
}
