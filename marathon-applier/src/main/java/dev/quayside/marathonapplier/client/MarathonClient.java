package dev.quayside.marathonapplier.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Marathon, per environment: the one place that talks to {@code /v2}. Every call has timeouts, is retried when Marathon
 * does not answer or answers 5xx ({@code quayside.marathon-applier.retry}) and is counted in
 * {@code quayside.marathon.requests}; errors come out as {@link PlatformException}.
 */
@ApplicationScoped
public class MarathonClient {

    /** The outcome of {@code PUT /v2/apps/{id}}. */
    public record PutResult(String deploymentId, String version) {
    }

    private final Endpoints endpoints;
    private final MeterRegistry metrics;
    private final Retrier retry;
    private final Map<String, MarathonApi> apis = new ConcurrentHashMap<>();

    MarathonClient(Endpoints endpoints, ApplierConfig config, MeterRegistry metrics) {
        this.endpoints = endpoints;
        this.metrics = metrics;
        this.retry = MeteredCall.retrier("Marathon", config.retry());
    }

    /** The app as Marathon reports it (with tasks and deployments), or empty when it does not exist. */
    public Optional<JsonNode> app(String environment, String appId) {
        return call(environment, "app", () -> {
            Response response = api(environment).app(path(appId), "apps.tasks");
            if (response.getStatus() == 404) {
                response.close();
                return Optional.empty();
            }
            return Optional.of(body(response, "GET /v2/apps" + appId).path("app"));
        });
    }

    /** Every app, with counts. */
    public List<JsonNode> apps(String environment) {
        return appsWithLabel(environment, null);
    }

    /** The apps whose labels match Marathon's selector {@code label} (e.g. {@code quayside.file==marathon/a/b.json}). */
    public List<JsonNode> appsWithLabel(String environment, String label) {
        return call(environment, "apps", () -> {
            List<JsonNode> apps = new ArrayList<>();
            body(api(environment).apps("apps.counts", label), "GET /v2/apps").path("apps").forEach(apps::add);
            return apps;
        });
    }

    /** The versions Marathon keeps of an app, newest first (ISO-8601 timestamps). */
    public List<String> versions(String environment, String appId) {
        return call(environment, "versions", () -> {
            List<String> versions = new ArrayList<>();
            body(api(environment).versions(path(appId)), "GET /v2/apps" + appId + "/versions").path("versions")
                    .forEach(v -> versions.add(v.asText()));
            versions.sort(java.util.Comparator.reverseOrder());
            return versions;
        });
    }

    /**
     * Creates or updates an app; a retry (the previous attempt got no answer) sends it again without reading the app
     * first. A 409 (locked by a deployment) is a {@link LockedException} naming the deployments.
     */
    public PutResult put(String environment, String appId, JsonNode definition, boolean force) {
        return send(environment, appId, definition, force, null);
    }

    /**
     * {@link #put(String, String, JsonNode, boolean)} that sends the definition at most once: before a retry (the
     * previous attempt got no answer, which it may have lost after Marathon took it) it reads the app, and when
     * {@code sent} says the app already has the definition it answers with the app's deployment in flight (if any)
     * and version instead of starting a second deployment of the same definition.
     */
    public PutResult put(String environment, String appId, JsonNode definition, boolean force, Predicate<JsonNode> sent) {
        return send(environment, appId, definition, force, java.util.Objects.requireNonNull(sent, "sent"));
    }

    /** {@code PUT /v2/apps/{id}}, retried; before a retry, checks {@code sent} against the app unless it is null. */
    private PutResult send(String environment, String appId, JsonNode definition, boolean force,
            Predicate<JsonNode> sent) {
        java.util.concurrent.atomic.AtomicBoolean retrying = new java.util.concurrent.atomic.AtomicBoolean();
        return call(environment, "put", () -> {
            if (retrying.getAndSet(true) && sent != null) {
                Optional<PutResult> landed = landed(environment, appId, sent);
                if (landed.isPresent()) {
                    return landed.get();
                }
            }
            Response response = api(environment).putApp(path(appId), force, definition);
            if (response.getStatus() == 409) {
                JsonNode body = readQuietly(response);
                List<String> ids = new ArrayList<>();
                body.path("deployments").forEach(d -> ids.add(d.path("id").asText()));
                throw new LockedException(body.path("message").asText("locked"), ids);
            }
            // an update answers {deploymentId, version}; a create answers 201 with the app (and the header)
            String header = response.getHeaderString("Marathon-Deployment-Id");
            JsonNode body = body(response, "PUT /v2/apps" + appId);
            String deploymentId = header != null ? header
                    : body.path("deploymentId").asText(body.path("deployments").path(0).path("id").asText(null));
            return new PutResult(deploymentId, body.path("version").asText(null));
        });
    }

    /** The app's deployment in flight and version when it already has what {@code sent} looks for (one attempt). */
    private Optional<PutResult> landed(String environment, String appId, Predicate<JsonNode> sent) {
        Response response = api(environment).app(path(appId), null);
        if (response.getStatus() == 404) {
            response.close();
            return Optional.empty();
        }
        JsonNode app = body(response, "GET /v2/apps" + appId).path("app");
        if (!sent.test(app)) {
            return Optional.empty();
        }
        return Optional.of(new PutResult(deploymentInFlight(app), app.path("version").asText(null)));
    }

    /** The id of the deployment Marathon runs for {@code app} (as {@code GET /v2/apps/{id}} reports it), or null. */
    public static String deploymentInFlight(JsonNode app) {
        return app.path("deployments").path(0).path("id").asText(null);
    }

    /** Rolls an app back to a version it had ({@code PUT {"version": ...}}). */
    public PutResult rollback(String environment, String appId, String version, boolean force) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("version", version);
        return put(environment, appId, body, force);
    }

    public String delete(String environment, String appId) {
        return call(environment, "delete", () -> {
            Response response = api(environment).deleteApp(path(appId), false);
            if (response.getStatus() == 404) {
                response.close();
                return null;
            }
            return body(response, "DELETE /v2/apps" + appId).path("deploymentId").asText(null);
        });
    }

    /** Ids of the deployments Marathon is running now. */
    public List<String> runningDeployments(String environment) {
        return call(environment, "deployments", () -> {
            List<String> ids = new ArrayList<>();
            body(api(environment).deployments(), "GET /v2/deployments").forEach(d -> ids.add(d.path("id").asText()));
            return ids;
        });
    }

    /** True when Marathon answers {@code /v2/info}. */
    public boolean reachable(String environment) {
        try {
            Response response = api(environment).info();
            response.close();
            return response.getStatus() == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A 409 from Marathon: the app is locked by running deployments. */
    public static class LockedException extends PlatformException {
        private final List<String> deploymentIds;

        LockedException(String message, List<String> deploymentIds) {
            super(409, message);
            this.deploymentIds = List.copyOf(deploymentIds);
        }

        public List<String> deploymentIds() {
            return deploymentIds;
        }
    }

    private <T> T call(String environment, String operation, Supplier<T> call) {
        return MeteredCall.run(metrics, "quayside.marathon.requests",
                io.micrometer.core.instrument.Tags.of("operation", operation, "environment", environment),
                "Marathon of " + environment, retry, call);
    }

    private MarathonApi api(String environment) {
        return apis.computeIfAbsent(environment, env -> {
            Endpoints.Resolved resolved = endpoints.resolve(env);
            return QuarkusRestClientBuilder.newBuilder()
                    .baseUri(URI.create(resolved.marathonUrl()))
                    .connectTimeout(5, TimeUnit.SECONDS)
                    .readTimeout(30, TimeUnit.SECONDS)
                    .property("microprofile.rest.client.disable.default.mapper", true)
                    .register(resolved.authFilter())
                    .build(MarathonApi.class);
        });
    }

    static String path(String appId) {
        return appId.startsWith("/") ? appId.substring(1) : appId;
    }

    static JsonNode body(Response response, String what) {
        try {
            if (response.getStatus() >= 400) {
                JsonNode error = readQuietly(response);
                String message = error.path("message").asText(error.toString());
                if (error.has("details")) {
                    message += " " + error.get("details");
                }
                throw new PlatformException(response.getStatus(), what + " answered " + response.getStatus() + ": " + message);
            }
            return parse(response);
        } finally {
            response.close();
        }
    }

    /** The body as JSON; an empty body (204, or Chronos' empty 200s) is an empty object. */
    private static JsonNode parse(Response response) {
        String text = response.readEntity(String.class);
        if (text == null || text.isBlank()) {
            return JsonNodeFactory.instance.objectNode();
        }
        try {
            return dev.quayside.events.EventCodec.mapper().readTree(text);
        } catch (java.io.IOException e) {
            return JsonNodeFactory.instance.objectNode().put("message", text);
        }
    }

    static JsonNode readQuietly(Response response) {
        try {
            return parse(response);
        } catch (RuntimeException e) {
            return JsonNodeFactory.instance.objectNode().put("message", "unreadable body");
        }
    }

    /** Resolves {@link ApplierConfig} to the URLs and credentials of one environment. */
    @ApplicationScoped
    static class Endpoints {
        private final ApplierConfig config;

        Endpoints(ApplierConfig config) {
            this.config = config;
        }

        record Resolved(String marathonUrl, String chronosUrl, String chronosBasePath, AuthFilter authFilter) {
        }

        Resolved resolve(String environment) {
            ApplierConfig.Endpoints own = Optional.ofNullable(config.environments().get(environment))
                    .map(ApplierConfig.Environment::endpoints).orElse(null);
            ApplierConfig.Endpoints defaults = config.defaults();
            String marathon = pick(own, defaults, ApplierConfig.Endpoints::marathonUrl).orElse("http://127.0.0.1:8080");
            String chronos = pick(own, defaults, ApplierConfig.Endpoints::chronosUrl).orElse("http://127.0.0.1:4400");
            String basePath = pick(own, defaults, ApplierConfig.Endpoints::chronosBasePath).orElse("/v1/scheduler");
            String authorization = pick(own, defaults, ApplierConfig.Endpoints::token).map(t -> "Bearer " + t)
                    .or(() -> pick(own, defaults, ApplierConfig.Endpoints::basicAuth).map(b -> "Basic "
                            + java.util.Base64.getEncoder().encodeToString(b.getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                    .orElse(null);
            return new Resolved(marathon, chronos, basePath, new AuthFilter(authorization));
        }

        private static Optional<String> pick(ApplierConfig.Endpoints own, ApplierConfig.Endpoints defaults,
                java.util.function.Function<ApplierConfig.Endpoints, Optional<String>> field) {
            return Optional.ofNullable(own).flatMap(field).or(() -> field.apply(defaults));
        }
    }

    /** Adds the configured {@code Authorization} header; never logs it. */
    static class AuthFilter implements jakarta.ws.rs.client.ClientRequestFilter {
        private final String authorization;

        AuthFilter(String authorization) {
            this.authorization = authorization;
        }

        /** The header value, for clients that are not JAX-RS ones (the event stream). */
        Optional<String> header() {
            return Optional.ofNullable(authorization);
        }

        @Override
        public void filter(jakarta.ws.rs.client.ClientRequestContext request) {
            if (authorization != null) {
                request.getHeaders().putSingle("Authorization", authorization);
            }
        }
    }
}
