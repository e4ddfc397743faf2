package dev.quayside.edgerouter.service;

import static dev.quayside.edgerouter.support.Catalogs.catalog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.edgerouter.client.HaproxyClient;
import dev.quayside.edgerouter.client.ProcessList;
import dev.quayside.edgerouter.support.Backend;
import dev.quayside.edgerouter.support.Catalogs;
import dev.quayside.edgerouter.support.FreePorts;
import dev.quayside.edgerouter.support.LoadClients;
import dev.quayside.edgerouter.support.TestHaproxy;
import dev.quayside.events.RoutesUpdated;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zero failed requests while a loopback load generator runs through 50 reloads, and no pile-up of old workers: the
 * guarantee consul-template + a plain {@code haproxy -sf} reload does not give.
 */
class ZeroDowntimeReloadTest {

    private static final int RELOADS = 50;
    private static final int CLIENTS = 4;
    /**
     * A bound, not a target: on the shared machine (load 20-45) 50 reloads take 30-40 s and the load sends 22,000-24,000
     * requests meanwhile, with the code before and after issue #22 alike; 20,000 ran out before the last reload.
     */
    private static final int MAX_REQUESTS = 60_000;
    private static final Duration MAX_RUN = Duration.ofSeconds(60);

    /** Each client's pause between requests: keeps the run at a few thousand requests. */
    private static final long PACE_MILLIS = 2;

    @TempDir
    Path dir;

    @Test
    void fiftyReloadsUnderLoadFailNoRequest() throws Exception {
        int httpPort = FreePorts.next();
        HaproxyClient haproxy = new HaproxyClient(TestHaproxy.settings(dir));
        LoadClients clients = null;
        try (Backend a = Backend.start("a"); Backend b = Backend.start("b"); Backend c = Backend.start("c")) {
            RouteReconciler reconciler = new RouteReconciler(
                    new RouteReconciler.Settings("edge-test", new RouteTable.Rules(Set.of("external"), httpPort),
                            new RenderModel.Global("5s", 3), new RenderModel.Frontend("127.0.0.1", httpPort)),
                    new ConfigRenderer(Catalogs.engine(), Optional.empty()), haproxy, s -> {
                    }, new SimpleMeterRegistry());
            CatalogSnapshot two = catalog().instance("web", "web-a", a.port(), "haproxy_vhost", "web.test")
                    .instance("web", "web-b", b.port(), "haproxy_vhost", "web.test").build();
            CatalogSnapshot three = catalog().instance("web", "web-a", a.port(), "haproxy_vhost", "web.test")
                    .instance("web", "web-b", b.port(), "haproxy_vhost", "web.test")
                    // a second host: the configuration's shape changes, so each step is a reload (a change of servers
                    // alone is applied through the runtime API without one: ZeroDowntimeRuntimeTest)
                    .instance("web", "web-c", c.port(), "haproxy_vhost", "web.test,c.web.test").build();
            reconciler.bootstrap(two);
            haproxy.start();

            LoadClients load = LoadClients.start(CLIENTS, httpPort, "web.test", PACE_MILLIS, MAX_REQUESTS, MAX_RUN);
            clients = load;
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> load.ok() >= 100);
            int okBefore = load.ok();
            long reloadStart = System.nanoTime();
            int maxGenerations = 0;
            for (int i = 0; i < RELOADS; i++) {
                RoutingState state = reconciler.reconcile(i % 2 == 0 ? three : two);
                assertThat(state.outcome()).as("reload %d: %s", i, state.message())
                        .isEqualTo(RoutesUpdated.Outcome.RELOADED);
                maxGenerations = Math.max(maxGenerations, haproxy.showProc().generations());
            }
            int okDuringReloads = load.ok() - okBefore;
            long reloadMillis = (System.nanoTime() - reloadStart) / 1_000_000;
            assertThat(load.sent()).as("the load generator was still running after the last reload")
                    .isLessThan(MAX_REQUESTS);
            assertThat(load.stop()).isTrue();
            Queue<String> failures = load.failures();

            ProcessList procs = haproxy.showProc();
            System.out.printf("zero-downtime: %d reloads in %d ms, %d requests ok (%d during the reloads), %d failed, "
                    + "at most %d worker generations during the run, %d after; hits a=%d b=%d c=%d%n", RELOADS, reloadMillis,
                    load.ok(), okDuringReloads, failures.size(), maxGenerations, procs.generations(), a.hits(),
                    b.hits(), c.hits());
            assertThat(failures).as("failed requests").isEmpty();
            assertThat(procs.reloads()).isEqualTo(RELOADS);
            assertThat(okDuringReloads).as("the load ran through the reloads").isGreaterThan(RELOADS * 5);
            assertThat(c.hits()).as("the added instance served too").isPositive();
            Awaitility.await("old workers gone").atMost(Duration.ofSeconds(2))
                    .until(() -> haproxy.showProc().generations() <= 2);
            assertThat(haproxy.showProc().generations()).isLessThanOrEqualTo(2);
        } finally {
            if (clients != null) {
                clients.close();
            }
            haproxy.stop();
        }
    }
}
