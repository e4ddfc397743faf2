package dev.quayside.board.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.board.client.ServiceAnswer;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * Another service's answer to an operator action, as the board's answer: its JSON under the service's key, a success
 * or a refusal of the request itself (400, 404, 409) passed on, a refused operator token or another status as 502,
 * no answer as 503.
 */
final class Relayed {

    private Relayed() {
    }

    /**
     * @param service  the service's name, for messages
     * @param key      where its answer goes in {@code body}
     * @param done     the {@code status} word of a success
     * @param notFound the error of a 404, or null for the service's own
     */
    static Response of(String service, String key, ServiceAnswer answer, Map<String, Object> body, String done,
            String notFound) {
        if (answer.status() == 0) {
            body.put("error", answer.error());
            return Response.status(Response.Status.SERVICE_UNAVAILABLE).entity(body).build();
        }
        if (answer.body() != null) {
            body.put(key, answer.body());
        }
        int status = answer.status();
        if (status >= 200 && status < 300) {
            body.put("status", done);
            return Response.status(status).entity(body).build();
        }
        if (status == 400 || status == 404 || status == 409) {
            String said = errorOf(answer.body());
            body.put("error", status == 404 && notFound != null ? notFound
                    : said != null ? said : service + " answered " + status);
            return Response.status(status).entity(body).build();
        }
        if (status == 401 || status == 403) {
            body.put("error", service + " refused the board's operator token (" + status
                    + "): give both the same quayside.operator.token");
        } else {
            body.put("error", service + " answered " + status);
        }
        return Response.status(Response.Status.BAD_GATEWAY).entity(body).build();
    }

    private static String errorOf(JsonNode body) {
        if (body == null) {
            return null;
        }
        if (body.isTextual()) {
            return body.asText();
        }
        JsonNode error = body.path("error");
        return error.isTextual() ? error.asText() : null;
    }
}
