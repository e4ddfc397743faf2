package dev.quayside.board.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quayside.board.config.BoardConfig;
import dev.quayside.board.service.Links;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Marathon, per environment, read-only: how many instances of an app are wanted and healthy. Short timeouts and no
 * retry (the next poll is the retry); timed in {@code quayside.board.marathon}.
 */
@ApplicationScoped
public class MarathonClient {

    /**
     * Marathon's counts for one app, or why there are none.
     *
     * @param healthy tasks passing their health checks (running tasks, for an app without health checks)
     * @param wanted  the app's {@code instances}
     */
    public record Instances(Integer healthy, Integer wanted, String error) {
    }

    private final Links links;
    private final ObjectMapper json;
    private final MeterRegistry metrics;
    private final String authorization;
    private final Map<String, MarathonApi> apis = new ConcurrentHashMap<>();

    MarathonClient(BoardConfig config, Links links, ObjectMapper json, MeterRegistry metrics) {
        this.links = links;
        this.json = json;
        this.metrics = metrics;
        this.authorization = config.marathon().token().map(t -> "Bearer " + t)
                .or(() -> config.marathon().basicAuth().map(b -> "Basic "
                        + Base64.getEncoder().encodeToString(b.getBytes(StandardCharsets.UTF_8))))
                .orElse(null);
    }

    /** {@code GET /v2/apps/{id}} in the environment's Marathon. */
    public Instances instances(String environment, String appId) {
        Timer.Sample sample = Timer.start(metrics);
        String outcome = "error";
        try (Response response = api(environment).app(appId.startsWith("/") ? appId.substring(1) : appId,
                authorization)) {
            outcome = String.valueOf(response.getStatus());
            if (response.getStatus() == 404) {
                return new Instances(null, null, "Marathon has no app " + appId);
            }
            String body = response.readEntity(String.class);
            if (response.getStatus() >= 400) {
                return new Instances(null, null, "Marathon answered " + response.getStatus() + ": " + body);
            }
            JsonNode app = json.readTree(body).path("app");
            // without health checks Marathon counts no task as healthy: then a running task is as healthy as it gets
            int healthy = app.path("healthChecks").size() > 0 ? app.path("tasksHealthy").asInt(0)
                    : app.path("tasksRunning").asInt(0);
            return new Instances(healthy, app.path("instances").asInt(0), null);
        } catch (ProcessingException | IOException e) {
            return new Instances(null, null, "Marathon did not answer: " + e.getMessage());
        } finally {
            sample.stop(metrics.timer("quayside.board.marathon", "call", "app", "outcome", outcome));
        }
    }

    private MarathonApi api(String environment) {
        return apis.computeIfAbsent(links.marathonUrl(environment), url -> QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(url))
                .connectTimeout(2, TimeUnit.SECONDS)
                .readTimeout(5, TimeUnit.SECONDS)
                .property("microprofile.rest.client.disable.default.mapper", true)
                .build(MarathonApi.class));
    }
}
