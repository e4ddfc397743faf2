package dev.quayside.registrator.client;

import dev.quayside.kit.consul.ConsulConnection;
import dev.quayside.registrator.config.RegistratorConfig;
import dev.quayside.registrator.service.ServiceCheck;
import dev.quayside.registrator.service.ServiceRegistration;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.consul.CheckOptions;
import io.vertx.ext.consul.CheckStatus;
import io.vertx.ext.consul.ServiceOptions;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The local Consul agent: service registration, deregistration and listing through the Vert.x Consul client, and a
 * raw {@code PUT /v1/agent/service/register} for checks carrying fields the client's {@code CheckOptions} lacks
 * ({@code Timeout}, {@code Method}, an unusual initial status). Both clients come from the kit's
 * {@link ConsulConnection} ({@code quayside.consul.*}: address, token or token file, TLS). Every call is bounded by
 * {@code quayside.consul.timeout} and retried {@code quayside.registrator.retry-attempts} times.
 */
@ApplicationScoped
public class ConsulClient {

    private static final Set<String> STATUSES = Set.of("passing", "warning", "critical");

    private final io.vertx.mutiny.ext.consul.ConsulClient consul;
    private final WebClient web;
    private final URI base;
    private final Duration timeout;
    private final int attempts;
    private final Duration retryInterval;
    private final MeterRegistry meters;

    public ConsulClient(ConsulConnection connection, RegistratorConfig registrator, MeterRegistry meters) {
        this.base = connection.url();
        this.timeout = connection.timeout();
        this.consul = connection.newClient();
        this.web = connection.newWebClient();
        this.attempts = Math.max(1, registrator.retryAttempts());
        this.retryInterval = registrator.retryInterval();
        this.meters = meters;
    }

    /** The agent's URL. */
    public String url() {
        return base.toString().replaceAll("/+$", "");
    }

    /** Registers (or re-registers: Consul replaces by id) one service. */
    public void register(ServiceRegistration service) {
        await(registration(service), "register " + service.id(), "register", path(service));
    }

    /**
     * Registers many services, {@code concurrency} requests at a time; answers the failures by service id (empty when
     * all succeeded). For the full sync, where one-by-one round trips would dominate.
     */
    public Map<String, Throwable> registerAll(List<ServiceRegistration> services, int concurrency) {
        Map<String, Throwable> failures = new java.util.concurrent.ConcurrentHashMap<>();
        if (services.isEmpty()) {
            return failures;
        }
        io.smallrye.mutiny.Multi.createFrom().iterable(services)
                .onItem().transformToUni(service -> {
                    long start = System.nanoTime();
                    return retried(registration(service))
                            .onItemOrFailure().invoke((ok, failure) -> {
                                if (failure != null) {
                                    failures.put(service.id(), failure);
                                }
                                meters.timer("quayside.registrator.consul.requests", "operation", "register",
                                        "path", path(service), "outcome", failure == null ? "ok" : "error")
                                        .record(Duration.ofNanos(System.nanoTime() - start));
                            })
                            .onFailure().recoverWithNull();
                })
                .merge(Math.max(1, concurrency))
                .collect().asList()
                .await().atMost(timeout.multipliedBy(attempts + 1L).multipliedBy(
                        Math.max(1, services.size() / Math.max(1, concurrency) + 1)));
        return failures;
    }

    private Uni<Void> registration(ServiceRegistration service) {
        ServiceCheck check = service.check();
        return check != null && needsRaw(check) ? raw(service) : consul.registerService(serviceOptions(service));
    }

    private static String path(ServiceRegistration service) {
        return service.check() != null && needsRaw(service.check()) ? "raw" : "client";
    }

    /** Deregisters one service id (Consul answers 200 for an id it does not know... or 404 on newer agents). */
    public void deregister(String serviceId) {
        await(consul.deregisterService(serviceId), "deregister " + serviceId, "deregister", "client");
    }

    /**
     * Puts one service into maintenance ({@code PUT /v1/agent/service/maintenance/{id}?enable=true&reason=}: a
     * critical {@code _service_maintenance:<id>} check, so every router stops sending to it) or takes it out again.
     */
    public void maintenance(String serviceId, boolean enable, String reason) {
        io.vertx.ext.consul.MaintenanceOptions options = new io.vertx.ext.consul.MaintenanceOptions().setId(serviceId)
                .setEnable(enable);
        if (enable && reason != null) {
            options.setReason(reason);
        }
        await(consul.maintenanceService(options), (enable ? "maintenance on " : "maintenance off ") + serviceId,
                "maintenance", "client");
    }

    /** The agent's services: id to its registration as Consul reports it. */
    public List<AgentService> services() {
        List<io.vertx.ext.consul.Service> services = await(consul.localServices(), "list services", "list",
                "client");
        List<AgentService> result = new ArrayList<>();
        for (io.vertx.ext.consul.Service s : services) {
            result.add(new AgentService(s.getId(), s.getName(), s.getAddress(), s.getPort(),
                    s.getTags() == null ? List.of() : s.getTags(), s.getMeta() == null ? Map.of() : s.getMeta()));
        }
        return result;
    }

    /** A service of the local agent. */
    public record AgentService(String id, String name, String address, int port, List<String> tags,
            Map<String, String> meta) {
    }

    static boolean needsRaw(ServiceCheck check) {
        return check.needsRawRegistration() || (check.status() != null && !STATUSES.contains(check.status()));
    }

    static ServiceOptions serviceOptions(ServiceRegistration service) {
        ServiceOptions options = new ServiceOptions()
                .setId(service.id())
                .setName(service.name())
                .setAddress(service.address())
                .setPort(service.port())
                .setTags(service.tags())
                .setMeta(service.meta());
        ServiceCheck check = service.check();
        if (check != null) {
            CheckOptions c = new CheckOptions()
                    .setHttp(check.http())
                    .setTcp(check.tcp())
                    .setTtl(check.ttl())
                    .setGrpc(check.grpc())
                    .setGrpcTls(check.grpcUseTls())
                    .setTlsSkipVerify(check.tlsSkipVerify())
                    .setScriptArgs(check.args())
                    .setInterval(check.interval())
                    .setDeregisterAfter(check.deregisterCriticalServiceAfter());
            if (check.status() != null) {
                c.setStatus(CheckStatus.of(check.status()));
            }
            options.setCheckOptions(c);
        }
        return options;
    }

    /** The agent API's JSON for one registration, with every check field Consul knows. */
    static JsonObject registrationJson(ServiceRegistration service) {
        JsonObject json = new JsonObject()
                .put("ID", service.id())
                .put("Name", service.name())
                .put("Address", service.address())
                .put("Port", service.port())
                .put("Tags", new JsonArray(new ArrayList<>(service.tags())))
                .put("Meta", new JsonObject(new java.util.LinkedHashMap<>(service.meta())));
        ServiceCheck check = service.check();
        if (check != null) {
            JsonObject c = new JsonObject();
            putIfSet(c, "HTTP", check.http());
            putIfSet(c, "Method", check.method());
            putIfSet(c, "TCP", check.tcp());
            putIfSet(c, "TTL", check.ttl());
            putIfSet(c, "GRPC", check.grpc());
            if (check.args() != null) {
                c.put("Args", new JsonArray(new ArrayList<>(check.args())));
            }
            if (check.grpcUseTls()) {
                c.put("GRPCUseTLS", true);
            }
            if (check.tlsSkipVerify()) {
                c.put("TLSSkipVerify", true);
            }
            putIfSet(c, "Interval", check.interval());
            putIfSet(c, "Timeout", check.timeout());
            putIfSet(c, "Status", check.status());
            putIfSet(c, "DeregisterCriticalServiceAfter", check.deregisterCriticalServiceAfter());
            json.put("Check", c);
        }
        return json;
    }

    private Uni<Void> raw(ServiceRegistration service) {
        HttpRequest<Buffer> request = web.put(base.getPath().replaceAll("/+$", "") + "/v1/agent/service/register")
                .timeout(timeout.toMillis());
        return request.sendJsonObject(registrationJson(service)).onItem().transformToUni(this::expectOk);
    }

    private Uni<Void> expectOk(HttpResponse<Buffer> response) {
        if (response.statusCode() / 100 == 2) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().failure(new ConsulException(response.statusCode(), response.bodyAsString()));
    }

    /** A non-2xx answer from the agent. */
    public static final class ConsulException extends RuntimeException {
        private final int status;

        ConsulException(int status, String body) {
            super("Consul answered " + status + ": " + (body == null ? "" : body.trim()));
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private <T> T await(Uni<T> call, String what, String operation, String path) {
        long start = System.nanoTime();
        String outcome = "error";
        try {
            T result = retried(call).await().atMost(timeout.multipliedBy(attempts + 1L));
            outcome = "ok";
            return result;
        } catch (RuntimeException e) {
            throw new IllegalStateException("Consul " + what + " at " + base + " failed: " + e.getMessage(), e);
        } finally {
            meters.timer("quayside.registrator.consul.requests", "operation", operation, "path", path,
                    "outcome", outcome).record(Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private <T> Uni<T> retried(Uni<T> call) {
        return attempts > 1
                ? call.onFailure(ConsulClient::retryable).retry()
                        .withBackOff(retryInterval, retryInterval.multipliedBy(4)).atMost(attempts - 1L)
                : call;
    }

    private static boolean retryable(Throwable failure) {
        return !(failure instanceof ConsulException e) || e.status() >= 500 || e.status() == 429;
    }

    private static void putIfSet(JsonObject json, String key, String value) {
        if (value != null) {
            json.put(key, value);
        }
    }

    @PreDestroy
    public void close() {
        consul.close();
        web.close();
    }
}
