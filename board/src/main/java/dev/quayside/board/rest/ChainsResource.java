package dev.quayside.board.rest;

import dev.quayside.board.service.BoardView;
import dev.quayside.board.service.Streams;
import dev.quayside.board.service.Views;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Chains: one push and everything it caused, stage by stage. */
@Path("/api/chains")
@Tag(name = "chains")
class ChainsResource {

    private final BoardView view;
    private final Streams streams;
    private final SseEvents sseEvents;

    ChainsResource(BoardView view, Streams streams, SseEvents sseEvents) {
        this.view = view;
        this.streams = streams;
        this.sseEvents = sseEvents;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Chains, newest push first; of a repository and a commit (or its prefix) when given. "
            + "With follow=true: the stream of /api/chains/stream")
    @APIResponse(responseCode = "400", description = "commit is not 4-40 hex digits, or limit is out of range")
    public List<Views.Chain> chains(@QueryParam("repo") String repository, @QueryParam("commit") String commit,
            @QueryParam("limit") @DefaultValue("20") int limit) {
        return view.chains(blankToNull(repository), ApiErrors.commit(commit), ApiErrors.limit(limit, 500));
    }

    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Follows the newest chain of repo whose commit starts with commit, also one not pushed yet: "
            + "'chain' events with its state, ending when it reaches a final status")
    public Multi<OutboundSseEvent> followCommit(@QueryParam("repo") String repository,
            @QueryParam("commit") String commit, @Context Sse sse) {
        if (blankToNull(repository) == null || blankToNull(commit) == null) {
            throw ApiErrors.badRequest("following a commit needs repo and commit");
        }
        return sseEvents.of(streams.chain(null, repository, ApiErrors.commit(commit)), sse);
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One chain with its stages (the timeline). With follow=true: the stream of /api/chains/{id}/stream")
    @APIResponse(responseCode = "404", description = "no such chain (or it is older than the chains kept)")
    public Views.Chain chain(@PathParam("id") String id) {
        Views.Chain chain = view.chain(id);
        if (chain == null) {
            throw ApiErrors.notFound("no chain " + id + " (unknown, or older than the chains the board keeps)");
        }
        return chain;
    }

    @GET
    @Path("/{id}/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Follows one chain: 'chain' events with its state, ending when it reaches a final status")
    @APIResponse(responseCode = "404", description = "no such chain")
    public Multi<OutboundSseEvent> followChain(@PathParam("id") String id, @Context Sse sse) {
        chain(id);
        return sseEvents.of(streams.chain(id, null, null), sse);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
