package dev.quayside.board.client;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** git-watcher's operator endpoint. Raw: {@link GitWatcherClient} interprets the answers. */
@Path("/repositories")
@Produces(MediaType.APPLICATION_JSON)
interface GitWatcherApi {

    @POST
    @Path("/{name}/sync")
    Response sync(@PathParam("name") String name, @HeaderParam("Authorization") String authorization);
}
