package dev.quayside.registrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a Consul agent holds, read over its HTTP API (as an operator's {@code curl} would). */
public final class ConsulView {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String url;

    public ConsulView(String url) {
        this.url = url;
    }

    /** {@code GET /v1/agent/services}: id to service. */
    public Map<String, JsonNode> services() {
        return fields(get("/v1/agent/services"));
    }

    /** The agent's services whose id starts with {@code prefix}. */
    public Map<String, JsonNode> services(String prefix) {
        Map<String, JsonNode> all = services();
        all.keySet().removeIf(id -> !id.startsWith(prefix));
        return all;
    }

    /** {@code GET /v1/agent/checks}: check id to check (with its {@code Definition}). */
    public Map<String, JsonNode> checks() {
        return fields(get("/v1/agent/checks"));
    }

    /** The check of one service, or null. */
    public JsonNode checkOf(String serviceId) {
        for (JsonNode check : checks().values()) {
            if (serviceId.equals(check.path("ServiceID").asText())) {
                return check;
            }
        }
        return null;
    }

    /** Registers a service directly, as another registrator or an operator would. */
    public void register(String json) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url
                    + "/v1/agent/service/register")).PUT(HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("register answered " + response.statusCode() + ": "
                        + response.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonNode get(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + response.statusCode());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, JsonNode> fields(JsonNode node) {
        Map<String, JsonNode> map = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            map.put(e.getKey(), e.getValue());
        }
        return map;
    }
}
