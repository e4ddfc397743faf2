package dev.quayside.marathonapplier.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.kit.retry.Retrier;
import dev.quayside.marathonapplier.config.ApplierConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Chronos, per environment, on its configured base path ({@code /v1/scheduler} or {@code /scheduler}). */
@ApplicationScoped
public class ChronosClient {

    private final MarathonClient.Endpoints endpoints;
    private final MeterRegistry metrics;
    private final Retrier retry;
    private final Map<String, ChronosApi> apis = new ConcurrentHashMap<>();

    ChronosClient(MarathonClient.Endpoints endpoints, ApplierConfig config, MeterRegistry metrics) {
        this.endpoints = endpoints;
        this.metrics = metrics;
        this.retry = MeteredCall.retrier("Chronos", config.retry());
    }

    /** The job named {@code name}, or empty. */
    public Optional<JsonNode> job(String environment, String name) {
        return call(environment, "search", () -> {
            for (JsonNode job : MarathonClient.body(api(environment).search(name), "GET jobs/search")) {
                if (job.path("name").asText().equals(name)) {
                    return Optional.of(job);
                }
            }
            return Optional.empty();
        });
    }

    public List<JsonNode> jobs(String environment) {
        return call(environment, "jobs", () -> {
            List<JsonNode> jobs = new ArrayList<>();
            MarathonClient.body(api(environment).jobs(), "GET jobs").forEach(jobs::add);
            return jobs;
        });
    }

    /** Creates or replaces a job: {@code /iso8601} for scheduled jobs, {@code /dependency} for jobs with parents. */
    public void put(String environment, JsonNode job) {
        call(environment, "put", () -> {
            boolean dependent = job.path("parents").isArray() && job.path("parents").size() > 0;
            Response response = dependent ? api(environment).dependency(job) : api(environment).iso8601(job);
            MarathonClient.body(response, dependent ? "POST dependency" : "POST iso8601");
            return null;
        });
    }

    /** Deletes a job; false when Chronos did not have it. */
    public boolean delete(String environment, String name) {
        return call(environment, "delete", () -> {
            Response response = api(environment).delete(name);
            if (response.getStatus() == 400 || response.getStatus() == 404) {
                response.close();
                return false;
            }
            MarathonClient.body(response, "DELETE job/" + name);
            return true;
        });
    }

    private <T> T call(String environment, String operation, java.util.function.Supplier<T> call) {
        return MeteredCall.run(metrics, "quayside.chronos.requests",
                io.micrometer.core.instrument.Tags.of("operation", operation), "Chronos of " + environment, retry, call);
    }

    private ChronosApi api(String environment) {
        return apis.computeIfAbsent(environment, env -> {
            MarathonClient.Endpoints.Resolved resolved = endpoints.resolve(env);
            String base = resolved.chronosUrl().replaceAll("/+$", "") + resolved.chronosBasePath();
            return QuarkusRestClientBuilder.newBuilder()
                    .baseUri(URI.create(base))
                    .connectTimeout(5, TimeUnit.SECONDS)
                    .readTimeout(30, TimeUnit.SECONDS)
                    .property("microprofile.rest.client.disable.default.mapper", true)
                    .register(resolved.authFilter())
                    .build(ChronosApi.class);
        });
    }
}
