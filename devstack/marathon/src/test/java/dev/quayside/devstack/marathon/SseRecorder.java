package dev.quayside.devstack.marathon;

import dev.quayside.devstack.mesos.Http;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Reads {@code /v2/events} in the background and keeps every event (its {@code data} JSON). */
final class SseRecorder implements AutoCloseable {

    private final List<JsonObject> events = new ArrayList<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private final Thread reader;

    SseRecorder(String marathonUrl, String query) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(marathonUrl + "/v2/events" + query))
                .header("Accept", "text/event-stream").GET().build();
        response = Http.CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        reader = new Thread(() -> {
            try {
                HttpResponse<Stream<String>> r = response.get(10, TimeUnit.SECONDS);
                r.body().forEach(line -> {
                    if (line.startsWith("data: ")) {
                        JsonObject event = new JsonObject(line.substring(6));
                        synchronized (events) {
                            events.add(event);
                        }
                    }
                });
            } catch (Exception e) {
                // closed
            }
        }, "sse-recorder");
        reader.setDaemon(true);
        reader.start();
        try {
            // the stand-in subscribes before it sends the headers: once they are here, we see every later event
            int status = response.get(10, TimeUnit.SECONDS).statusCode();
            if (status != 200) {
                throw new IllegalStateException("GET /v2/events answered " + status);
            }
        } catch (Exception e) {
            throw new IllegalStateException("SSE stream did not attach", e);
        }
    }

    List<JsonObject> events() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    List<JsonObject> events(Predicate<JsonObject> filter) {
        return events().stream().filter(filter).toList();
    }

    List<String> types() {
        return events().stream().map(e -> e.getString("eventType")).toList();
    }

    @Override
    public void close() {
        response.thenAccept(r -> r.body().close());
        response.cancel(true);
        reader.interrupt();
    }

    /** When an event was published ({@code timestamp}), in epoch milliseconds. */
    static long millis(JsonObject event) {
        return java.time.Instant.parse(event.getString("timestamp")).toEpochMilli();
    }
}
