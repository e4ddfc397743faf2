package dev.quayside.board.rest;

import dev.quayside.board.client.TopicReader;
import dev.quayside.board.service.BoardView;
import dev.quayside.board.service.Streams;
import dev.quayside.board.service.Views;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The board as a whole: how far it has read, the repositories it saw, and the live stream the page listens to. */
@Path("/api")
@Tag(name = "board")
class BoardResource {

    private final BoardView view;
    private final TopicReader reader;
    private final Streams streams;
    private final SseEvents sseEvents;

    BoardResource(BoardView view, TopicReader reader, Streams streams, SseEvents sseEvents) {
        this.view = view;
        this.reader = reader;
        this.streams = streams;
        this.sseEvents = sseEvents;
    }

    @GET
    @Path("/status")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "How far the board has read the topics, and how much it keeps")
    public Views.Status status() {
        return view.status();
    }

    @GET
    @Path("/repositories")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The repositories seen in pushes, with their kind (app or config)")
    public Map<String, String> repositories() {
        return view.repositories();
    }

    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "Every change the page shows: 'chain', 'app' and 'failure' events with the new state")
    public Multi<OutboundSseEvent> stream(@Context Sse sse) {
        return sseEvents.of(streams.board(), sse);
    }
}
