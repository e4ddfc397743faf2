package dev.quayside.board.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import java.util.function.Supplier;

/**
 * Another Quayside service's answer to an operator call the board makes for a person (sync now, approve a promotion):
 * one attempt, since the person waits for it.
 *
 * @param status its HTTP status, or 0 when it did not answer
 * @param body   its JSON answer (or its text as a JSON string), or null
 * @param error  why there is no answer, or null
 */
public record ServiceAnswer(int status, JsonNode body, String error) {

    /** A raw REST client of {@code api} at {@code url}: 2 s to connect, {@code timeout} to answer. */
    static <T> T client(String url, java.time.Duration timeout, Class<T> api) {
        return io.quarkus.rest.client.reactive.QuarkusRestClientBuilder.newBuilder()
                .baseUri(java.net.URI.create(url))
                .connectTimeout(2, java.util.concurrent.TimeUnit.SECONDS)
                .readTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .property("microprofile.rest.client.disable.default.mapper", true)
                .build(api);
    }

    /** Makes the call, reads the answer and times it in {@code timer} with its call and outcome (status or error). */
    static ServiceAnswer call(Supplier<Response> call, String service, ObjectMapper json, MeterRegistry metrics,
            String timer, String name) {
        Timer.Sample sample = Timer.start(metrics);
        String outcome = "error";
        try (Response response = call.get()) {
            outcome = String.valueOf(response.getStatus());
            String text = response.hasEntity() ? response.readEntity(String.class) : "";
            JsonNode body = null;
            if (!text.isBlank()) {
                try {
                    body = json.readTree(text);
                } catch (java.io.IOException e) {
                    body = json.getNodeFactory().textNode(text);
                }
            }
            return new ServiceAnswer(response.getStatus(), body, null);
        } catch (ProcessingException e) {
            return new ServiceAnswer(0, null, service + " did not answer: " + rootMessage(e));
        } finally {
            sample.stop(metrics.timer(timer, "call", name, "outcome", outcome));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
