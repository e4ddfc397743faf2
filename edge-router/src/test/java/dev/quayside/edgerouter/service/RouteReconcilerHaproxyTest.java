package dev.quayside.edgerouter.service;

import static dev.quayside.edgerouter.support.Catalogs.catalog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.edgerouter.client.HaproxyClient;
import dev.quayside.edgerouter.service.ServiceInstance.Health;
import dev.quayside.edgerouter.support.Backend;
import dev.quayside.edgerouter.support.Catalogs;
import dev.quayside.edgerouter.support.FreePorts;
import dev.quayside.edgerouter.support.Http;
import dev.quayside.edgerouter.support.TestHaproxy;
import dev.quayside.events.RoutesUpdated;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The render step against a real HAProxy (master-worker) and real loopback backends. */
class RouteReconcilerHaproxyTest extends RealHaproxyTest {

    @Test
    void routesAppearAndDisappearWithTheCatalog() throws Exception {
        Backend web = backend("web-1");
        RouteReconciler reconciler = start(Optional.empty(), CatalogSnapshot.EMPTY);
        assertThat(Http.get(httpPort, "web.test", "/").status()).as("no route yet").isEqualTo(503);

        RoutingState state = reconciler.reconcile(
                catalog().instance("web", "web-1", web.port(), "haproxy_vhost", "web.test").build());
        assertThat(state.outcome()).isEqualTo(RoutesUpdated.Outcome.RELOADED);
        assertThat(Http.get(httpPort, "web.test", "/")).isEqualTo(new Http.Response(200, "web-1"));
        assertThat(Http.get(httpPort, "WEB.test:" + httpPort, "/").body()).as("host match ignores case and port")
                .isEqualTo("web-1");
        assertThat(Http.get(httpPort, "other.test", "/").status()).isEqualTo(503);
        assertThat(announced).last().extracting(s -> s.toEvent().routes())
                .isEqualTo(List.of(new RoutesUpdated.Route("web", "web.test", null, List.of("127.0.0.1:" + web.port()))));

        String hash = state.configHash();
        assertThat(reconciler.reconcile(
                catalog().instance("web", "web-1", web.port(), "haproxy_vhost", "web.test").build()).configHash())
                .as("same catalog, same output: no reload").isEqualTo(hash);
        assertThat(haproxy.showProc().reloads()).isEqualTo(1);

        reconciler.reconcile(CatalogSnapshot.EMPTY);
        assertThat(Http.get(httpPort, "web.test", "/").status()).as("route gone").isEqualTo(503);
        assertThat(haproxy.showProc().reloads()).isEqualTo(2);
    }

    @Test
    void onlyPassingInstancesServe() throws Exception {
        Backend a = backend("a");
        Backend b = backend("b");
        RouteReconciler reconciler = start(Optional.empty(), CatalogSnapshot.EMPTY);
        reconciler.reconcile(catalog().instance("api", "api-a", a.port(), "haproxy_vhost", "api.test")
                .instance("api", "api-b", b.port(), Health.CRITICAL, "haproxy_vhost", "api.test").build());
        for (int i = 0; i < 6; i++) {
            assertThat(Http.get(httpPort, "api.test", "/").body()).isEqualTo("a");
        }
        assertThat(b.hits()).isZero();
        assertThat(reconciler.state().live().routes().get(0).instances()).extracting(Route.Instance::health,
                Route.Instance::served).containsExactly(org.assertj.core.groups.Tuple.tuple(Health.PASSING, true),
                        org.assertj.core.groups.Tuple.tuple(Health.CRITICAL, false));

        reconciler.reconcile(catalog().instance("api", "api-a", a.port(), Health.WARNING, "haproxy_vhost", "api.test")
                .instance("api", "api-b", b.port(), "haproxy_vhost", "api.test").build());
        for (int i = 0; i < 6; i++) {
            assertThat(Http.get(httpPort, "api.test", "/").body()).isEqualTo("b");
        }
    }

    @Test
    void tcpPortRoute() throws Exception {
        Backend db = backend("db");
        RouteReconciler reconciler = start(Optional.empty(), CatalogSnapshot.EMPTY);
        int port = FreePorts.next();
        RoutingState state = reconciler.reconcile(
                catalog().instance("db", "db-1", db.port(), "haproxy_port", String.valueOf(port)).build());
        assertThat(state.outcome()).isEqualTo(RoutesUpdated.Outcome.RELOADED);
        assertThat(Http.get(port, "anything", "/").body()).isEqualTo("db");
    }

    @Test
    void invalidTemplateKeepsTheRunningConfiguration() throws Exception {
        Backend web = backend("web-1");
        Path template = dir.resolve("user.cfg.qute");
        Files.copy(getClass().getClassLoader().getResourceAsStream(ConfigRenderer.DEFAULT_TEMPLATE), template);
        RouteReconciler reconciler = start(Optional.of(template), CatalogSnapshot.EMPTY);
        CatalogSnapshot catalog = catalog().instance("web", "web-1", web.port(), "haproxy_vhost", "web.test").build();
        reconciler.reconcile(catalog);
        String live = Files.readString(dir.resolve("haproxy.cfg"));

        // HAProxy rejects it
        Files.writeString(template, Files.readString(template).replace("balance roundrobin", "balance no-such-algo"));
        RoutingState state = reconciler.reconcile(catalog);
        assertThat(state.outcome()).isEqualTo(RoutesUpdated.Outcome.INVALID);
        assertThat(state.message()).contains("[ALERT]", "haproxy.cfg.candidate:26", "balance only supports")
                .doesNotContain("[NOTICE]");
        assertThat(state.toEvent().message()).isEqualTo(state.message());
        assertThat(state.toEvent().outcome()).isEqualTo(RoutesUpdated.Outcome.INVALID);
        assertThat(Files.readString(dir.resolve("haproxy.cfg"))).isEqualTo(live);
        assertThat(Http.get(httpPort, "web.test", "/").body()).as("old configuration still serving").isEqualTo("web-1");
        assertThat(haproxy.showProc().reloads()).isEqualTo(1);

        // Qute rejects it
        Files.writeString(template, "global\n{#for x in routes}\n");
        state = reconciler.reconcile(catalog);
        assertThat(state.outcome()).isEqualTo(RoutesUpdated.Outcome.INVALID);
        assertThat(state.message()).contains("does not parse");
        assertThat(Http.get(httpPort, "web.test", "/").body()).isEqualTo("web-1");

        // fixed again
        Files.copy(getClass().getClassLoader().getResourceAsStream(ConfigRenderer.DEFAULT_TEMPLATE), template,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(template, Files.readString(template) + "\n# fixed\n");
        assertThat(reconciler.reconcile(catalog).outcome()).isEqualTo(RoutesUpdated.Outcome.RELOADED);
    }

    @Test
    void drivesAnHaproxyStartedByOthers() throws Exception {
        Backend web = backend("web-1");
        httpPort = FreePorts.next();
        HaproxyClient.Settings owned = TestHaproxy.settings(dir);
        // someone else's HAProxy: started outside edge-router on a configuration edge-router rendered before
        RouteReconciler.Settings settings = new RouteReconciler.Settings("edge-test",
                new RouteTable.Rules(Set.of("external"), httpPort), new RenderModel.Global("5s", 3),
                new RenderModel.Frontend("127.0.0.1", httpPort));
        CatalogSnapshot catalog = catalog().instance("web", "web-1", web.port(), "haproxy_vhost", "web.test").build();
        new RouteReconciler(settings, new ConfigRenderer(Catalogs.engine(), Optional.empty()), new HaproxyClient(owned),
                s -> {
                }, new SimpleMeterRegistry()).bootstrap(catalog);
        Process external = new ProcessBuilder("/usr/sbin/haproxy", "-W", "-S", owned.masterSocket() + ",mode,600",
                "-f", owned.configFile().toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("external.log").toFile()).start();
        try {
            haproxy = new HaproxyClient(new HaproxyClient.Settings(owned.binary(), owned.configFile(),
                    owned.masterSocket(), null, false, owned.commandTimeout()));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> !haproxy.showProc().workers().isEmpty());
            haproxy.start();
            RouteReconciler reconciler = new RouteReconciler(settings,
                    new ConfigRenderer(Catalogs.engine(), Optional.empty()), haproxy, announced::add,
                    new SimpleMeterRegistry());
            assertThat(reconciler.bootstrap(catalog).outcome()).as("edge-router restarted, file already current")
                    .isEqualTo(RoutesUpdated.Outcome.UNCHANGED);
            assertThat(Http.get(httpPort, "web.test", "/").body()).isEqualTo("web-1");

            Backend api = backend("api-1");
            RoutingState state = reconciler.reconcile(catalog().instance("web", "web-1", web.port(), "haproxy_vhost",
                    "web.test").instance("api", "api-1", api.port(), "haproxy_vhost", "api.test").build());
            assertThat(state.outcome()).isEqualTo(RoutesUpdated.Outcome.RELOADED);
            assertThat(Http.get(httpPort, "api.test", "/").body()).isEqualTo("api-1");
            haproxy.stop();
            assertThat(external.isAlive()).as("stop() leaves an HAProxy it does not own running").isTrue();
            haproxy = null;
        } finally {
            external.destroy();
            external.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void reloadThatCannotBindIsReportedAndTheOldWorkerKeepsServing() throws Exception {
        Backend web = backend("web-1");
        RouteReconciler reconciler = start(Optional.empty(), CatalogSnapshot.EMPTY);
        reconciler.reconcile(catalog().instance("web", "web-1", web.port(), "haproxy_vhost", "web.test").build());
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            RoutingState state = reconciler.reconcile(catalog()
                    .instance("web", "web-1", web.port(), "haproxy_vhost", "web.test")
                    .instance("db", "db-1", web.port(), "haproxy_port", String.valueOf(taken.getLocalPort())).build());
            assertThat(state.outcome()).isEqualTo(RoutesUpdated.Outcome.RELOAD_FAILED);
            assertThat(state.message()).contains("refused");
            assertThat(Http.get(httpPort, "web.test", "/").body()).isEqualTo("web-1");
        }
    }

    @Test
    void aLaterClaimantNeverTakesAHostOrPortEvenWhenItSortsFirst() throws Exception {
        Backend zeta = backend("zeta");
        Backend alpha = backend("alpha");
        int port = FreePorts.next();
        RouteReconciler reconciler = start(Optional.empty(), CatalogSnapshot.EMPTY);
        reconciler.reconcile(catalog().instance("zeta", "zeta-1", zeta.port(), "haproxy_vhost", "shop.test",
                "haproxy_port", String.valueOf(port)).build());
        assertThat(Http.get(httpPort, "shop.test", "/").body()).isEqualTo("zeta");

        RoutingState state = reconciler.reconcile(catalog()
                .instance("zeta", "zeta-1", zeta.port(), "haproxy_vhost", "shop.test", "haproxy_port",
                        String.valueOf(port))
                .instance("alpha", "alpha-1", alpha.port(), "haproxy_vhost", "shop.test", "haproxy_port",
                        String.valueOf(port)).build());
        assertThat(state.live().routes()).extracting(Route::service).containsOnly("zeta");
        assertThat(state.live().problems()).containsExactlyInAnyOrder(
                "alpha: ignored virtual host 'shop.test': already routed to zeta",
                "alpha: ignored port " + port + ": already routed to zeta");
        assertThat(Http.get(httpPort, "shop.test", "/").body()).as("the first claimant keeps it").isEqualTo("zeta");
        assertThat(Http.get(port, "shop.test", "/").body()).isEqualTo("zeta");
        assertThat(alpha.hits()).isZero();

        // once the owner stops claiming it, the waiting claimant gets it
        reconciler.reconcile(catalog().instance("alpha", "alpha-1", alpha.port(), "haproxy_vhost", "shop.test").build());
        assertThat(Http.get(httpPort, "shop.test", "/").body()).isEqualTo("alpha");
    }
}
