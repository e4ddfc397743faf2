package dev.quayside.configsyncer.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.Map;

/** The JSON bodies of the operator endpoints: an optional object of text fields in, {@code {"error": ...}} out. */
final class RequestBodies {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RequestBodies() {
    }

    /** The request body as a JSON object (an empty body is an empty object), or null when it is not one. */
    static JsonNode object(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** A text field of the body, or null when it is missing, blank or not text. */
    static String text(JsonNode request, String field) {
        JsonNode value = request.path(field);
        return value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }

    static Response error(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", message)).build();
    }
}
