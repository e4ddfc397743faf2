package dev.quayside.devstack.marathon;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Marathon's {@code /v2/events} Server-Sent Events stream: {@code event: <eventType>} and {@code data: <json>} per
 * event, in the order they were published, optionally filtered by {@code event_type}.
 */
final class EventStream {

    private record Subscriber(Context context, HttpServerResponse response, Set<String> types) {
    }

    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final List<Consumer<JsonObject>> listeners = new CopyOnWriteArrayList<>();
    private final Vertx vertx;
    private final long heartbeat;

    EventStream(Vertx vertx) {
        this.vertx = vertx;
        // a comment line keeps proxies and idle timeouts from closing a quiet stream
        this.heartbeat = vertx.setPeriodic(15_000, id -> subscribers.forEach(s -> s.context().runOnContext(
                v -> write(s, ":\n\n"))));
    }

    /** Attaches a response (headers already sent); it receives {@code event_stream_attached} first. */
    void attach(HttpServerResponse response, Set<String> types, String remoteAddress) {
        Subscriber subscriber = new Subscriber(vertx.getOrCreateContext(), response, types);
        response.closeHandler(v -> subscribers.remove(subscriber));
        response.exceptionHandler(e -> subscribers.remove(subscriber));
        // subscribe before the headers leave, so a client that saw them sees every later event
        subscribers.add(subscriber);
        response.writeHead();
        JsonObject attached = event("event_stream_attached").put("remoteAddress", remoteAddress);
        if (types.isEmpty() || types.contains("event_stream_attached")) {
            write(subscriber, frame(attached));
        }
    }

    /** Adds an in-process listener (tests, Chronos dependency tracking). */
    void listen(Consumer<JsonObject> listener) {
        listeners.add(listener);
    }

    static JsonObject event(String type) {
        return new JsonObject().put("eventType", type).put("timestamp", Versions.now());
    }

    /** Publishes an event built with {@link #event(String)}; call under the scheduler lock to keep global order. */
    void publish(JsonObject event) {
        String type = event.getString("eventType");
        String frame = null;
        for (Subscriber s : subscribers) {
            if (s.types().isEmpty() || s.types().contains(type)) {
                if (frame == null) {
                    frame = frame(event);
                }
                String f = frame;
                s.context().runOnContext(v -> write(s, f));
            }
        }
        for (Consumer<JsonObject> l : listeners) {
            l.accept(event);
        }
    }

    private static String frame(JsonObject event) {
        return "event: " + event.getString("eventType") + "\ndata: " + event.encode() + "\n\n";
    }

    private void write(Subscriber s, String frame) {
        if (s.response().closed() || s.response().ended()) {
            subscribers.remove(s);
            return;
        }
        s.response().write(frame);
    }

    int subscriberCount() {
        return subscribers.size();
    }

    void close() {
        vertx.cancelTimer(heartbeat);
        for (Subscriber s : subscribers) {
            s.context().runOnContext(v -> {
                if (!s.response().ended()) {
                    s.response().end();
                }
            });
        }
        subscribers.clear();
    }
}
