package dev.quayside.edgerouter.bench;

import dev.quayside.devstack.consul.ConsulStandIn;
import dev.quayside.edgerouter.client.ConsulCatalogClient;
import dev.quayside.edgerouter.client.HaproxyClient;
import dev.quayside.edgerouter.service.CatalogSnapshot;
import dev.quayside.edgerouter.service.ConfigRenderer;
import dev.quayside.edgerouter.service.QuietPeriod;
import dev.quayside.edgerouter.service.RenderModel;
import dev.quayside.edgerouter.service.RouteReconciler;
import dev.quayside.edgerouter.service.RouteTable;
import dev.quayside.edgerouter.support.Backend;
import dev.quayside.edgerouter.support.Catalogs;
import dev.quayside.edgerouter.support.ConsulAgent;
import dev.quayside.edgerouter.support.FreePorts;
import dev.quayside.edgerouter.support.Http;
import dev.quayside.edgerouter.support.TestHaproxy;
import dev.quayside.kit.consul.ConsulConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.core.Vertx;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * edge-router's benchmark (not a test): (1) render + validate 500 services / 2,000 instances; (2) catalog change in
 * the Consul stand-in to the new route answering through HAProxy, against the quiet period. Loopback only, bounded.
 * Run with {@code edge-router/bench/run.sh [rounds] [servers]} ({@code servers}: only the new-server measurement, with
 * the runtime API and with a reload per change).
 */
public final class EdgeRouterBench {

    private static final Duration WAIT_MIN = Duration.ofMillis(100);
    private static final Duration WAIT_MAX = Duration.ofMillis(500);

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path dir = Files.createTempDirectory("edge-router-bench-");
        boolean serversOnly = args.length > 1 && args[1].equals("servers");
        if (!serversOnly) {
            renderAndValidate(dir.resolve("render"), Math.min(rounds, 10));
            changeToLive(dir.resolve("live"), rounds);
        }
        serverToLive(dir.resolve("server-runtime"), rounds, true);
        serverToLive(dir.resolve("server-reload"), rounds, false);
    }

    private static RouteReconciler.Settings settings(int httpPort) {
        return new RouteReconciler.Settings("bench", new RouteTable.Rules(Set.of("external"), httpPort),
                new RenderModel.Global("5s", 3), new RenderModel.Frontend("127.0.0.1", httpPort));
    }

    static void renderAndValidate(Path dir, int rounds) throws Exception {
        Catalogs catalog = Catalogs.catalog();
        for (int s = 0; s < 500; s++) {
            for (int i = 0; i < 4; i++) {
                catalog.instance("svc-" + s, "svc-" + s + "-" + i, 20000 + s * 4 + i,
                        "haproxy_vhost", "svc-" + s + ".bench.test");
            }
        }
        CatalogSnapshot snapshot = catalog.build();
        HaproxyClient haproxy = new HaproxyClient(TestHaproxy.settings(dir));
        ConfigRenderer renderer = new ConfigRenderer(Catalogs.engine(), Optional.empty());
        RouteReconciler.Settings settings = settings(FreePorts.next());
        List<Long> render = new ArrayList<>();
        List<Long> validate = new ArrayList<>();
        int bytes = 0;
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            RouteTable table = RouteTable.of(snapshot, settings.rules());
            String text = renderer.render(RenderModel.of("bench", settings.global(), settings.frontend(), table));
            long rendered = System.nanoTime();
            Path candidate = dir.resolve("candidate.cfg");
            Files.writeString(candidate, text, StandardCharsets.UTF_8);
            HaproxyClient.Validation validation = haproxy.validate(candidate);
            long validated = System.nanoTime();
            if (!validation.valid()) {
                throw new IllegalStateException(validation.message());
            }
            render.add((rendered - start) / 1_000_000);
            validate.add((validated - rendered) / 1_000_000);
            bytes = text.length();
        }
        System.out.printf("render+validate 500 services / %d instances (%d KB config), %d rounds: "
                + "render p50 %d ms, validate p50 %d ms, total p50 %d ms, total max %d ms%n",
                snapshot.instanceCount(), bytes / 1024, rounds, p50(render), p50(validate),
                p50(sum(render, validate)), Collections.max(sum(render, validate)));
    }

    static void changeToLive(Path dir, int rounds) throws Exception {
        int httpPort = FreePorts.next();
        Vertx vertx = Vertx.vertx();
        ScheduledExecutorService renderThread = Executors.newSingleThreadScheduledExecutor();
        HaproxyClient haproxy = new HaproxyClient(TestHaproxy.settings(dir));
        try (ConsulStandIn consul = ConsulStandIn.start(); Backend backend = Backend.start("bench")) {
            ConsulAgent agent = new ConsulAgent(consul.url());
            ConsulCatalogClient catalog = new ConsulCatalogClient(vertx,
                    ConsulConnection.of(vertx, URI.create(consul.url()), null, Duration.ofSeconds(10)),
                    Duration.ofMillis(100), Duration.ofSeconds(2), new SimpleMeterRegistry());
            RouteReconciler reconciler = new RouteReconciler(settings(httpPort),
                    new ConfigRenderer(Catalogs.engine(), Optional.empty()), haproxy, s -> {
                    }, new SimpleMeterRegistry());
            QuietPeriod quiet = new QuietPeriod(WAIT_MIN, WAIT_MAX, renderThread,
                    () -> reconciler.reconcile(catalog.snapshot()));
            reconciler.bootstrap(CatalogSnapshot.EMPTY);
            haproxy.start();
            catalog.onChange(quiet::signal);
            catalog.start();
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!catalog.synced() && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            List<Long> latencies = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                String host = "live-" + round + ".bench.test";
                long start = System.nanoTime();
                agent.register("live-" + round, "live-" + round, backend.port(),
                        "{\"haproxy_vhost\": \"" + host + "\"}");
                long deadline = start + Duration.ofSeconds(10).toNanos();
                while (Http.get(httpPort, host, "/").status() != 200) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(host + " not live after 10 s");
                    }
                    Thread.sleep(2);
                }
                latencies.add((System.nanoTime() - start) / 1_000_000);
            }
            long p50 = p50(latencies);
            System.out.printf("catalog change -> route live, %d rounds, quiet period min %d ms (max %d ms): "
                    + "p50 %d ms (quiet period + %d ms), max %d ms, all %s%n", rounds, WAIT_MIN.toMillis(),
                    WAIT_MAX.toMillis(), p50, p50 - WAIT_MIN.toMillis(), Collections.max(latencies), latencies);
            catalog.stop();
        } finally {
            renderThread.shutdown(); // a render under way ends before HAProxy stops
            renderThread.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            haproxy.stop();
            vertx.closeAndAwait();
        }
    }

    /**
     * The route-live hop edge-router owns: a new instance of an existing route passes in Consul (a rolling upgrade's
     * new task) → HAProxy answers from it, wired as the service is with production defaults: the runtime API after
     * {@code wait-period.runtime} (10 ms), or with {@code runtimeApi} off, a reload after {@code wait-period.min}
     * (500 ms), as before issue #22.
     */
    static void serverToLive(Path dir, int rounds, boolean runtimeApi) throws Exception {
        int httpPort = FreePorts.next();
        Vertx vertx = Vertx.vertx();
        ScheduledExecutorService renderThread = Executors.newSingleThreadScheduledExecutor();
        HaproxyClient haproxy = new HaproxyClient(TestHaproxy.settings(dir));
        List<Backend> backends = new ArrayList<>();
        try (ConsulStandIn consul = ConsulStandIn.start()) {
            ConsulAgent agent = new ConsulAgent(consul.url());
            ConsulCatalogClient catalog = new ConsulCatalogClient(vertx,
                    ConsulConnection.of(vertx, URI.create(consul.url()), null, Duration.ofSeconds(10)),
                    Duration.ofMillis(100), Duration.ofSeconds(2), new SimpleMeterRegistry());
            RouteReconciler.Settings base = settings(httpPort);
            RouteReconciler reconciler = new RouteReconciler(new RouteReconciler.Settings(base.instance(),
                    base.rules(), base.global(), base.frontend(), null, Duration.ofSeconds(5), runtimeApi),
                    new ConfigRenderer(Catalogs.engine(), Optional.empty()), haproxy, s -> {
                    }, new SimpleMeterRegistry());
            QuietPeriod quiet = new QuietPeriod(Duration.ofMillis(500), Duration.ofSeconds(2), renderThread,
                    () -> reconciler.reconcile(catalog.snapshot()));
            QuietPeriod fast = new QuietPeriod(Duration.ofMillis(10), Duration.ofMillis(10), renderThread, () -> {
                if (!reconciler.reconcileAtRuntime(catalog.snapshot())) {
                    quiet.signal();
                }
            });
            Backend first = Backend.start("web-0");
            backends.add(first);
            agent.register("web-0", "web", first.port(), "{\"haproxy_vhost\": \"web.bench.test\"}");
            reconciler.bootstrap(CatalogSnapshot.EMPTY);
            haproxy.start();
            catalog.onChange(runtimeApi ? fast::signal : quiet::signal);
            catalog.start();
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!"web-0".equals(body(httpPort)) && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            List<Long> latencies = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                Backend next = Backend.start("web-" + round);
                backends.add(next);
                long start = System.nanoTime();
                agent.register("web-" + round, "web", next.port(), "{\"haproxy_vhost\": \"web.bench.test\"}");
                long deadline = start + Duration.ofSeconds(10).toNanos();
                while (!next.name().equals(body(httpPort))) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(next.name() + " not live after 10 s");
                    }
                    Thread.sleep(1);
                }
                latencies.add((System.nanoTime() - start) / 1_000_000);
                agent.deregister("web-" + (round - 1));
                Thread.sleep(700); // the previous instance leaves (a drain, or the reload's quiet period)
            }
            System.out.printf("new server of an existing route passing in Consul -> answering through HAProxy (%s), "
                    + "%d rounds: p50 %d ms, max %d ms, all %s; reloads %d%n", runtimeApi
                            ? "runtime API after 10 ms" : "reload after the 500 ms quiet period", rounds,
                    p50(latencies), Collections.max(latencies), latencies, reloads(haproxy));
            catalog.stop();
        } finally {
            renderThread.shutdown(); // a render under way ends before HAProxy stops
            renderThread.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            haproxy.stop();
            backends.forEach(Backend::close);
            vertx.closeAndAwait();
        }
    }

    /** The master's reload count, once it answers (a reload may be under way). */
    private static int reloads(HaproxyClient haproxy) throws InterruptedException {
        for (int attempt = 0; attempt < 100; attempt++) {
            try {
                return haproxy.showProc().reloads();
            } catch (java.io.IOException | IllegalArgumentException e) {
                Thread.sleep(100);
            }
        }
        return -1;
    }

    /** The body of {@code GET /} for the bench route, or null when it does not answer 200. */
    private static String body(int httpPort) {
        try {
            Http.Response response = Http.get(httpPort, "web.bench.test", "/");
            return response.status() == 200 ? response.body() : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static List<Long> sum(List<Long> a, List<Long> b) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            out.add(a.get(i) + b.get(i));
        }
        return out;
    }

    private static long p50(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private EdgeRouterBench() {
    }
}
