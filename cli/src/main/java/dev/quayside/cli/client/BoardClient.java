package dev.quayside.cli.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.quayside.cli.ExitCodes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The board's HTTP API: JSON answers, an action with the operator token, and server-sent event streams. Errors come
 * out as {@link BoardException} with the exit code that fits (unreachable, not found, unauthorized, bad request).
 */
public final class BoardClient {

    /** Receives a stream's events; returns false to stop reading. */
    public interface EventHandler {
        boolean onEvent(String name, String data);
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private final URI base;
    private final HttpClient http;

    public BoardClient(String baseUrl) {
        String url = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
        try {
            this.base = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new BoardException(ExitCodes.USAGE, "not a URL: " + baseUrl);
        }
        if (base.getScheme() == null || !base.getScheme().startsWith("http")) {
            throw new BoardException(ExitCodes.USAGE, "the board's address must be an http(s) URL, not " + baseUrl);
        }
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    }

    public static ObjectMapper json() {
        return JSON;
    }

    public String baseUrl() {
        return base.toString();
    }

    /** {@code GET path} as JSON into {@code type}. */
    public <T> T get(String path, TypeReference<T> type) {
        return read(send(request(path).header("Accept", "application/json").GET().build()), type);
    }

    /** {@code GET path} as JSON into {@code type}. */
    public <T> T get(String path, Class<T> type) {
        return JSON.convertValue(get(path, new TypeReference<JsonNode>() { }), type);
    }

    /** {@code GET path} as text. */
    public String getText(String path) {
        HttpResponse<String> response = send(request(path).header("Accept", "text/plain").GET().build());
        return check(response).body();
    }

    /** {@code POST path} with {@code Authorization: Bearer token}; the JSON answer. */
    public JsonNode post(String path, String token) {
        return post(path, token, null);
    }

    /** {@code POST path} with {@code Authorization: Bearer token} and {@code body} as JSON (null: none). */
    public JsonNode post(String path, String token, JsonNode body) {
        HttpRequest.Builder request = request(path).timeout(Duration.ofSeconds(90))
                .header("Accept", "application/json").POST(body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(toJson(body), StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token);
        }
        return read(send(request.build()), new TypeReference<JsonNode>() { });
    }

    /**
     * Reads the server-sent events of {@code path} until the stream ends, {@code handler} returns false or
     * {@code deadline} (null: none) passes. Returns true when the board ended the stream, false otherwise.
     */
    public boolean stream(String path, Instant deadline, EventHandler handler) {
        HttpRequest request = request(path).header("Accept", "text/event-stream").GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BoardException(ExitCodes.UNAVAILABLE, "interrupted");
        }
        if (response.statusCode() >= 400) {
            try (InputStream body = response.body()) {
                throw error(response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw unreachable(e);
            }
        }
        InputStream body = response.body();
        // the board writes only when something happens: at the deadline the stream is closed from outside, and the
        // read that fails then is told apart from a board that went away by this flag, not by the clock
        AtomicBoolean closedAtDeadline = new AtomicBoolean();
        Thread watchdog = deadline == null ? null : new Thread(() -> {
            try {
                for (Instant now = Instant.now(); now.isBefore(deadline); now = Instant.now()) {
                    Thread.sleep(Math.max(1, Duration.between(now, deadline).toMillis()));
                }
                closedAtDeadline.set(true);
                body.close();
            } catch (InterruptedException | IOException e) {
                // the stream ended first
            }
        }, "board-stream-deadline");
        if (watchdog != null) {
            watchdog.setDaemon(true);
            watchdog.start();
        }
        try (body; BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String name = "message";
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data.length() > 0 && !handler.onEvent(name, data.toString())) {
                        return false;
                    }
                    name = "message";
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    String value = line.substring(5);
                    data.append(data.length() > 0 ? "\n" : "").append(value.startsWith(" ") ? value.substring(1) : value);
                }
            }
            return !closedAtDeadline.get();
        } catch (IOException e) {
            if (closedAtDeadline.get()) {
                return false;
            }
            throw unreachable(e);
        } finally {
            if (watchdog != null) {
                watchdog.interrupt();
            }
        }
    }

    /** Parses a stream event's JSON data. */
    public static <T> T parse(String data, Class<T> type) {
        try {
            return JSON.readValue(data, type);
        } catch (IOException e) {
            throw new BoardException(ExitCodes.UNAVAILABLE, "the board sent something that is not " + type.getSimpleName()
                    + ": " + e.getMessage());
        }
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path))
                .timeout(Duration.ofSeconds(30));
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BoardException(ExitCodes.UNAVAILABLE, "interrupted");
        }
    }

    private <T> T read(HttpResponse<String> response, TypeReference<T> type) {
        check(response);
        try {
            return JSON.readValue(response.body(), type);
        } catch (IOException e) {
            throw new BoardException(ExitCodes.UNAVAILABLE, "the board answered something that is not the JSON expected: "
                    + e.getMessage());
        }
    }

    private static HttpResponse<String> check(HttpResponse<String> response) {
        if (response.statusCode() >= 400) {
            throw error(response.statusCode(), response.body());
        }
        return response;
    }

    private static BoardException error(int status, String body) {
        String message = body;
        try {
            JsonNode json = JSON.readTree(body);
            if (json != null && json.hasNonNull("error")) {
                message = json.get("error").asText();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: the body as it is
        }
        if (message == null || message.isBlank()) {
            message = "HTTP " + status;
        }
        int code = switch (status) {
            case 400 -> ExitCodes.USAGE;
            case 401, 403 -> ExitCodes.UNAUTHORIZED;
            case 404 -> ExitCodes.NOT_FOUND;
            case 409 -> ExitCodes.CONFLICT;
            default -> ExitCodes.UNAVAILABLE;
        };
        return new BoardException(code, message + (code == ExitCodes.UNAVAILABLE ? " (HTTP " + status + ")" : ""));
    }

    private BoardException unreachable(IOException e) {
        return new BoardException(ExitCodes.UNAVAILABLE, "the board at " + base + " did not answer ("
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                + "): is it running? (bin/quayside up starts it; --board or QUAYSIDE_BOARD names another)", e);
    }

    /** Writes {@code value} as one line of JSON. */
    public static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
