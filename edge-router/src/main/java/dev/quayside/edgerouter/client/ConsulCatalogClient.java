package dev.quayside.edgerouter.client;

import dev.quayside.edgerouter.config.EdgeRouterConfig;
import dev.quayside.edgerouter.service.CatalogSnapshot;
import dev.quayside.edgerouter.service.ServiceInstance;
import dev.quayside.kit.consul.ConsulConnection;
import dev.quayside.kit.retry.Retrier;
import dev.quayside.kit.retry.RetryPolicy;
import dev.quayside.kit.security.Secret;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.consul.BlockingQueryOptions;
import io.vertx.ext.consul.Check;
import io.vertx.ext.consul.CheckStatus;
import io.vertx.ext.consul.ConsulClientOptions;
import io.vertx.ext.consul.ServiceList;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.consul.ConsulClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.logging.Logger;

/**
 * The Consul catalog and health, followed through blocking queries: one query on {@code /v1/catalog/services} for the
 * service list (Vert.x Consul client) and one on {@code /v1/health/service/<name>} (all instances, with their checks)
 * per service, read as JSON with the Vert.x web client because the Consul client drops each instance's
 * {@code CreateIndex}, which says which service claimed a virtual host first. Both clients come from the kit's
 * {@link ConsulConnection} ({@code quayside.consul.*}: address, token or token file, TLS, {@code blocking-wait}). Each
 * query loops with the last {@code X-Consul-Index}; an index that goes backwards (a Consul restart, a snapshot restore)
 * resets the loop to 0, which Vert.x's own {@code Watch} does not do. A failed query is retried with the kit's
 * {@link Retrier} (jittered exponential back-off from {@code watch.min-backoff} to {@code watch.max-backoff}, without
 * a budget: it retries until the client stops); each answer starts the next query at the shortest back-off again.
 */
@ApplicationScoped
public class ConsulCatalogClient {

    private static final Logger LOG = Logger.getLogger(ConsulCatalogClient.class);

    private final ConsulClient client;
    private final io.vertx.mutiny.ext.web.client.WebClient web;
    private final Optional<String> token;
    private final long requestTimeoutMillis;
    private final String wait;
    private final RetryPolicy backoff;
    private final Retrier catalogRetry;
    private final Map<String, List<ServiceInstance>> services = new ConcurrentHashMap<>();
    private final Map<String, ServiceQuery> queries = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final io.micrometer.core.instrument.Counter failures;
    private volatile boolean running;
    private volatile boolean synced;
    private volatile String lastError;

    @jakarta.inject.Inject
    ConsulCatalogClient(Vertx vertx, ConsulConnection consul, EdgeRouterConfig config, MeterRegistry registry) {
        this(vertx, consul, config.watch().minBackoff(), config.watch().maxBackoff(), registry);
    }

    /**
     * @param consul     where Consul is and how to reach it; its {@code blocking-wait} is each query's {@code wait}
     * @param minBackoff first retry delay after a failure
     * @param maxBackoff longest retry delay
     */
    public ConsulCatalogClient(Vertx vertx, ConsulConnection consul, Duration minBackoff, Duration maxBackoff,
            MeterRegistry registry) {
        this.wait = consul.blockingWait().toMillis() + "ms";
        // the kit's blocking options: kept-alive connections, a pool for one query per service, and a request timeout
        // of wait + wait/16 + a margin; the web client sends the token with each request
        ConsulClientOptions options = consul.blockingOptions();
        this.client = ConsulClient.create(vertx, options);
        this.web = io.vertx.mutiny.ext.web.client.WebClient.create(vertx, options);
        this.token = consul.token().map(Secret::reveal);
        this.requestTimeoutMillis = options.getTimeout();
        this.backoff = RetryPolicy.of(minBackoff, 2, maxBackoff, Duration.ZERO, -1, 0.2);
        this.catalogRetry = retry("catalog services");
        // a counter, and a gauge that holds its map strongly: a gauge of a weakly held value disappears from the
        // scrape once that value is collected (Micrometer's default), which a test of the metric saw happen
        this.failures = io.micrometer.core.instrument.Counter.builder("quayside.edge-router.consul.failures")
                .description("failed Consul queries (each retried)").register(registry);
        io.micrometer.core.instrument.Gauge.builder("quayside.edge-router.consul.services", services, Map::size)
                .description("services followed in the catalog").strongReference(true).register(registry);
    }

    /** Called (on a Vert.x thread) whenever the catalog or an instance's health changed. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** What is known now. */
    public CatalogSnapshot snapshot() {
        return new CatalogSnapshot(Map.copyOf(services));
    }

    /** True once the service list and every listed service have been read at least once. */
    public boolean synced() {
        return synced && queries.values().stream().allMatch(q -> q.seen);
    }

    public String lastError() {
        return lastError;
    }

    /** A one-off read of the service list: for readiness. */
    public Uni<Integer> ping() {
        return client.catalogServices().map(list -> list.getList().size());
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        watchCatalog(0);
    }

    @PreDestroy
    public synchronized void stop() {
        running = false;
        queries.values().forEach(q -> q.stopped = true);
        queries.clear();
        client.close();
        web.close();
    }

    private void watchCatalog(long index) {
        catalogRetry.uni(() -> running
                ? client.catalogServicesWithOptions(new BlockingQueryOptions().setIndex(index).setWait(wait))
                : Uni.createFrom().failure(new Stopped()))
                .subscribe().with(list -> {
                    LOG.debugf("catalog services at index %d (asked %d): %d service(s)", list.getIndex(), index,
                            list.getList().size());
                    onServiceList(list);
                    lastError = null;
                    if (running) {
                        watchCatalog(nextIndex(index, list.getIndex()));
                    }
                }, failure -> stoppedOr("catalog services", failure));
    }

    private synchronized void onServiceList(ServiceList list) {
        if (!running) {
            return;
        }
        Set<String> names = new TreeSet<>();
        list.getList().forEach(service -> names.add(service.getName()));
        boolean changed = false;
        for (String name : names) {
            if (!queries.containsKey(name)) {
                ServiceQuery query = new ServiceQuery(name);
                queries.put(name, query);
                query.run(0);
            }
        }
        for (String name : List.copyOf(queries.keySet())) {
            if (!names.contains(name)) {
                queries.remove(name).stopped = true;
                changed |= services.remove(name) != null;
            }
        }
        synced = true;
        if (changed) {
            fire();
        }
    }

    /** The blocking-query loop of one service's health. */
    private final class ServiceQuery {
        private final String name;
        private final Retrier retry;
        private volatile boolean stopped;
        private volatile boolean seen;

        ServiceQuery(String name) {
            this.name = name;
            this.retry = retry("health of " + name);
        }

        void run(long index) {
            retry.uni(() -> query(index)).subscribe().with(answer -> {
                LOG.debugf("health of %s at index %d (asked %d): %d instance(s)", name, answer.index(), index,
                        answer.instances().size());
                if (apply(answer) && running) {
                    run(nextIndex(index, answer.index()));
                }
            }, failure -> stoppedOr("health of " + name, failure));
        }

        /**
         * Keeps the answer, under the lock the service list is changed under: an answer that arrives after the
         * service left the catalog (its query stopped) is dropped, never put back as a route nothing removes again.
         */
        private boolean apply(HealthAnswer answer) {
            boolean changed;
            synchronized (ConsulCatalogClient.this) {
                if (stopped || queries.get(name) != this) {
                    return false;
                }
                seen = true;
                List<ServiceInstance> previous = answer.instances().isEmpty() ? services.remove(name)
                        : services.put(name, answer.instances());
                changed = !answer.instances().equals(previous == null ? List.of() : previous);
            }
            if (changed) {
                fire();
            }
            return true;
        }

        /** One blocking query; a non-200 answer or one without a valid index fails it. */
        private Uni<HealthAnswer> query(long index) {
            if (stopped || !running) {
                return Uni.createFrom().failure(new Stopped());
            }
            io.vertx.mutiny.ext.web.client.HttpRequest<io.vertx.mutiny.core.buffer.Buffer> request = web
                    .get("/v1/health/service/" + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)
                            .replace("+", "%20"))
                    .addQueryParam("index", Long.toString(index)).addQueryParam("wait", wait)
                    .timeout(requestTimeoutMillis);
            token.ifPresent(t -> request.putHeader(ConsulConnection.TOKEN_HEADER, t));
            return request.send().map(response -> {
                if (stopped) {
                    throw new Stopped();
                }
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("Consul answered " + response.statusCode() + ": "
                            + response.bodyAsString());
                }
                long returned = Long.parseLong(String.valueOf(response.getHeader("X-Consul-Index")).trim());
                return new HealthAnswer(returned, toInstances(response.bodyAsJsonArray()));
            });
        }
    }

    /** One answer of {@code /v1/health/service/<name>}: Consul's index and the instances. */
    private record HealthAnswer(long index, List<ServiceInstance> instances) {
    }

    /** Ends a query loop: the client or the query was stopped. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super("stopped", null, false, false);
        }
    }

    /** The retry of one query loop: until stopped, each failed attempt counted, kept as the last error and logged. */
    private Retrier retry(String what) {
        return Retrier.of(backoff).named(what)
                .retryOn(e -> !(e instanceof Stopped))
                .onFailedAttempt(attempt -> failed(attempt.what(), attempt.failure()))
                .build();
    }

    /** A loop's end: quietly when stopped; anything else cannot happen with a retry without a budget, but is said. */
    private void stoppedOr(String what, Throwable failure) {
        if (!(failure instanceof Stopped)) {
            LOG.errorf(failure, "Consul query for %s gave up", what);
        }
    }

    /**
     * {@code /v1/health/service/<name>}'s answer as instances. Values of an unexpected type are read as text (or left
     * out: a tag or Meta value that is not text); the routing rules validate every value that could reach HAProxy.
     */
    static List<ServiceInstance> toInstances(io.vertx.core.json.JsonArray entries) {
        List<ServiceInstance> instances = new ArrayList<>();
        for (Object item : entries) {
            if (!(item instanceof io.vertx.core.json.JsonObject entry)) {
                continue;
            }
            io.vertx.core.json.JsonObject service = entry.getJsonObject("Service", new io.vertx.core.json.JsonObject());
            io.vertx.core.json.JsonObject node = entry.getJsonObject("Node", new io.vertx.core.json.JsonObject());
            String address = text(service.getValue("Address"));
            if (address == null || address.isBlank()) {
                address = text(node.getValue("Address"));
            }
            List<String> tags = new ArrayList<>();
            for (Object tag : service.getJsonArray("Tags", new io.vertx.core.json.JsonArray())) {
                if (tag instanceof String text) {
                    tags.add(text);
                }
            }
            Map<String, String> meta = new java.util.LinkedHashMap<>();
            service.getJsonObject("Meta", new io.vertx.core.json.JsonObject()).forEach(e -> {
                if (e.getKey() != null && e.getValue() instanceof String text) {
                    meta.put(e.getKey(), text);
                }
            });
            List<Check> checks = new ArrayList<>();
            for (Object c : entry.getJsonArray("Checks", new io.vertx.core.json.JsonArray())) {
                if (c instanceof io.vertx.core.json.JsonObject check) {
                    String status = text(check.getValue("Status"));
                    checks.add(new Check().setId(text(check.getValue("CheckID")))
                            .setStatus(status == null ? null : CheckStatus.of(status)));
                }
            }
            Object port = service.getValue("Port");
            Object created = service.getValue("CreateIndex");
            instances.add(new ServiceInstance(String.valueOf(text(service.getValue("ID"))),
                    text(service.getValue("Service")), text(node.getValue("Node")), address,
                    port instanceof Number n ? n.intValue() : 0, tags, meta, health(checks),
                    created instanceof Number n ? n.longValue() : 0));
        }
        instances.sort(Comparator.comparing(ServiceInstance::id));
        return instances;
    }

    private static String text(Object value) {
        return value == null ? null : String.valueOf(value);
    }

    /** The worst check wins; a check with a status the client does not know counts as critical. */
    static ServiceInstance.Health health(List<Check> checks) {
        ServiceInstance.Health worst = ServiceInstance.Health.PASSING;
        for (Check check : checks == null ? List.<Check>of() : checks) {
            ServiceInstance.Health health;
            if (check.getId() != null && check.getId().startsWith("_service_maintenance")
                    || check.getId() != null && check.getId().equals("_node_maintenance")) {
                health = ServiceInstance.Health.MAINTENANCE;
            } else if (check.getStatus() == CheckStatus.PASSING) {
                health = ServiceInstance.Health.PASSING;
            } else if (check.getStatus() == CheckStatus.WARNING) {
                health = ServiceInstance.Health.WARNING;
            } else {
                health = ServiceInstance.Health.CRITICAL;
            }
            if (health.ordinal() > worst.ordinal()) {
                worst = health;
            }
        }
        return worst;
    }

    /** Consul's rule: keep the returned index unless it went backwards, then start again from 0. */
    static long nextIndex(long previous, long returned) {
        if (returned < previous) {
            return 0;
        }
        if (returned <= 0) {
            // never 0 again: that would not block and spin
            return 1;
        }
        return returned;
    }

    private void failed(String what, Throwable failure) {
        failures.increment();
        lastError = what + ": " + failure.getMessage();
        if (running) {
            LOG.warnf("Consul query for %s failed, retrying with back-off: %s", what, failure.getMessage());
        }
    }

    private void fire() {
        listeners.forEach(Runnable::run);
    }
}
