package dev.quayside.board.rest;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.regex.Pattern;

/** The API's errors: a status and {@code {"error": "<what is wrong>"}}. */
final class ApiErrors {

    private static final Pattern COMMIT = Pattern.compile("[0-9a-fA-F]{4,40}");

    private ApiErrors() {
    }

    static WebApplicationException of(Response.Status status, String message) {
        return new WebApplicationException(message, Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", message)).build());
    }

    static WebApplicationException notFound(String message) {
        return of(Response.Status.NOT_FOUND, message);
    }

    static WebApplicationException badRequest(String message) {
        return of(Response.Status.BAD_REQUEST, message);
    }

    /** A commit id or prefix of at least 4 hex digits (lower-cased), or a 400. */
    static String commit(String commit) {
        if (commit == null || commit.isBlank()) {
            return null;
        }
        if (!COMMIT.matcher(commit).matches()) {
            throw badRequest("commit '" + commit + "' is not a commit id or a prefix of one (4 to 40 hex digits)");
        }
        return commit.toLowerCase();
    }

    /** {@code limit} when it is between 1 and {@code max}, else a 400. */
    static int limit(int limit, int max) {
        if (limit < 1 || limit > max) {
            throw badRequest("limit must be between 1 and " + max + ", not " + limit);
        }
        return limit;
    }
}
