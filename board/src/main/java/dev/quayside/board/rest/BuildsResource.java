package dev.quayside.board.rest;

import dev.quayside.board.service.BoardView;
import dev.quayside.board.service.Streams;
import dev.quayside.board.service.Views;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Build logs from {@code quayside.build-logs}, as kept (bounded) and live. */
@Path("/api/builds/{id}")
@Tag(name = "builds")
class BuildsResource {

    private final BoardView view;
    private final Streams streams;
    private final SseEvents sseEvents;

    BuildsResource(BoardView view, Streams streams, SseEvents sseEvents) {
        this.view = view;
        this.streams = streams;
        this.sseEvents = sseEvents;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A build's log as kept: its latest lines, the number of the first, and whether the build finished")
    @APIResponse(responseCode = "404", description = "no line of this build's log was seen (or it was dropped)")
    public Views.BuildLog build(@PathParam("id") String id) {
        Views.BuildLog log = view.buildLog(id);
        if (log == null) {
            throw ApiErrors.notFound("no log of build " + id + (view.buildFinished(id)
                    ? " is kept (it finished; its log was dropped or never written)" : " was seen"));
        }
        return log;
    }

    @GET
    @Path("/log")
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "A build's log as plain text. With follow=true: the stream of /api/builds/{id}/log/stream")
    @APIResponse(responseCode = "404", description = "no line of this build's log was seen")
    public String log(@PathParam("id") String id) {
        Views.BuildLog log = build(id);
        StringBuilder text = new StringBuilder();
        if (log.dropped() > 0) {
            text.append("[").append(log.dropped()).append(" earlier line(s) not kept]\n");
        }
        log.lines().forEach(line -> text.append(line).append('\n'));
        return text.toString();
    }

    @GET
    @Path("/log/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Follows a build's log: 'log' events ({buildId, number, line}) for what is kept and each new "
            + "line, then 'log-end' when the build finished. Also for a build not started yet")
    public Multi<OutboundSseEvent> follow(@PathParam("id") String id, @Context Sse sse) {
        return sseEvents.of(streams.log(id), sse);
    }
}
