package dev.quayside.board.rest;

import dev.quayside.board.service.BoardView;
import dev.quayside.board.service.EventSummaries;
import dev.quayside.board.service.Streams;
import dev.quayside.board.service.Views;
import dev.quayside.events.EventType;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The raw events, as published, for those who want to see the contract; and the recent failures. */
@Path("/api")
@Tag(name = "events")
class EventsResource {

    private final BoardView view;
    private final Streams streams;
    private final SseEvents sseEvents;

    EventsResource(BoardView view, Streams streams, SseEvents sseEvents) {
        this.view = view;
        this.streams = streams;
        this.sseEvents = sseEvents;
    }

    @GET
    @Path("/events")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Recent events, oldest first, each with its CDEvent JSON as published. type: a short name "
            + "(build-finished), a CloudEvents type or a topic; several separated by commas. With follow=true: the "
            + "stream of /api/events/stream")
    @APIResponse(responseCode = "400", description = "an unknown type, or limit out of range")
    public List<Views.Event> events(@QueryParam("type") String type, @QueryParam("limit") @DefaultValue("100") int limit) {
        return view.events(types(type), ApiErrors.limit(limit, 10_000));
    }

    @GET
    @Path("/events/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "'event' events: the newest `limit` kept (default 0), then each new one as it is read")
    public Multi<OutboundSseEvent> follow(@QueryParam("type") String type,
            @QueryParam("limit") @DefaultValue("0") int limit, @Context Sse sse) {
        if (limit < 0 || limit > 10_000) {
            throw ApiErrors.badRequest("limit must be between 0 and 10000, not " + limit);
        }
        return sseEvents.of(streams.events(types(type), limit), sse);
    }

    @GET
    @Path("/failures")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Recent failures, newest first, with their reasons")
    public List<Views.Failure> failures(@QueryParam("limit") @DefaultValue("50") int limit) {
        return view.failures(ApiErrors.limit(limit, 1000));
    }

    /** The short names a {@code type} filter names, or null for none. */
    static Set<String> types(String filter) {
        if (filter == null || filter.isBlank()) {
            return null;
        }
        Set<String> names = new TreeSet<>();
        for (String one : filter.split(",")) {
            List<EventType> types = EventSummaries.typesOf(one).orElseThrow(() -> ApiErrors.badRequest(
                    "unknown event type '" + one.trim() + "': use one of " + String.join(", ", EventSummaries.names())
                            + ", a CloudEvents type or a topic"));
            types.forEach(t -> names.add(EventSummaries.name(t)));
        }
        return names;
    }
}
