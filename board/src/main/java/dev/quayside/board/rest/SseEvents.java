package dev.quayside.board.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quayside.board.service.LiveUpdates;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * Turns the board's updates into server-sent events: the event name is the update's kind ({@code chain}, {@code app},
 * {@code failure}, {@code event}, {@code log}, {@code log-end}), the data its JSON. A comment every 15 s keeps idle
 * streams open through proxies and finds clients that went away.
 */
@ApplicationScoped
class SseEvents {

    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final ObjectMapper json;

    SseEvents(ObjectMapper json) {
        this.json = json;
    }

    Multi<OutboundSseEvent> of(Multi<LiveUpdates.Update> updates, Sse sse) {
        Multi<OutboundSseEvent> events = updates.map(u -> sse.newEventBuilder()
                .name(u.kind())
                .id(u.id())
                .mediaType(MediaType.APPLICATION_JSON_TYPE)
                .data(String.class, toJson(u.data()))
                .build());
        Multi<OutboundSseEvent> keepAlive = Multi.createFrom().ticks().every(KEEP_ALIVE)
                .map(tick -> sse.newEventBuilder().comment("keep-alive").build());
        // the ticks never end: a marker after the last update ends the merged stream
        OutboundSseEvent end = sse.newEventBuilder().comment("end").build();
        return Multi.createBy().merging().streams(events.onCompletion().continueWith(end), keepAlive)
                .select().first(e -> e != end);
    }

    private String toJson(Object data) {
        try {
            return json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
