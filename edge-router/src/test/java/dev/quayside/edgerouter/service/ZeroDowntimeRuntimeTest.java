package dev.quayside.edgerouter.service;

import static dev.quayside.edgerouter.support.Catalogs.catalog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.edgerouter.service.ServiceInstance.Health;
import dev.quayside.edgerouter.support.Backend;
import dev.quayside.edgerouter.support.LoadClients;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Ten rolling upgrades under load, the way a deploy looks to edge-router: the new instance passes, the old one goes
 * into maintenance when its container gets its stop signal, keeps serving a moment while it drains, exits, and is
 * deregistered. Zero failed requests (a fresh connection per request, no client retries), and not one reload: each
 * step goes through HAProxy's runtime API.
 */
class ZeroDowntimeRuntimeTest extends RealHaproxyTest {

    private static final int UPGRADES = 10;
    private static final int CLIENTS = 4;
    /** How long the old instance keeps serving after its stop signal (the sample app's DRAIN_SECONDS, shortened). */
    private static final long DRAIN_MILLIS = 300;

    @Test
    void tenRollingUpgradesUnderLoadFailNoRequestAndReloadNothing() throws Exception {
        LoadClients clients = null;
        Backend current = Backend.start("v0");
        try {
            RouteReconciler reconciler = start(Optional.empty(),
                    catalog().instance("web", "web-0", current.port(), "haproxy_vhost", "web.test").build());

            clients = LoadClients.start(CLIENTS, httpPort, "web.test", 2, Integer.MAX_VALUE, Duration.ofMinutes(5));
            LoadClients load = clients;
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> load.ok() >= 50);
            int reloads = haproxy.showProc().reloads();
            for (int v = 1; v <= UPGRADES; v++) {
                Backend next = Backend.start("v" + v);
                String old = "web-" + (v - 1);
                String now = "web-" + v;
                reconciler.reconcile(catalog().instance("web", old, current.port(), "haproxy_vhost", "web.test")
                        .instance("web", now, next.port(), "haproxy_vhost", "web.test").build());
                pause(100);
                reconciler.reconcile(catalog()
                        .instance("web", old, current.port(), Health.MAINTENANCE, "haproxy_vhost", "web.test")
                        .instance("web", now, next.port(), "haproxy_vhost", "web.test").build());
                pause(DRAIN_MILLIS);
                current.close();
                reconciler.reconcile(catalog().instance("web", now, next.port(), "haproxy_vhost", "web.test")
                        .build());
                reconciler.sweep();
                current = next;
                pause(100);
            }
            assertThat(load.stop()).isTrue();
            Queue<String> failures = load.failures();
            Map<String, AtomicInteger> versions = load.answers();
            System.out.printf("zero-downtime (runtime API): %d upgrades, %d requests ok, %d failed, %d reload(s); "
                    + "answers by version %s%n", UPGRADES, load.ok(), failures.size(),
                    haproxy.showProc().reloads() - reloads, versions);
            assertThat(failures).as("failed requests").isEmpty();
            assertThat(haproxy.showProc().reloads()).as("no reload: every step at run time").isEqualTo(reloads);
            assertThat(versions.keySet()).as("every version served").hasSize(UPGRADES + 1);
        } finally {
            if (clients != null) {
                clients.close();
            }
            current.close();
        }
    }

    private static void pause(long millis) {
        LoadClients.pause(millis);
    }

    /**
     * Marathon may stop the old task before the new one is in the catalog (it kills an old task that is not healthy at
     * once, whatever {@code minimumHealthCapacity} says). The old task, the backend's only server, fails its health
     * check on purpose while it drains: HAProxy must not take it down before a replacement is in rotation.
     */
    @Test
    void theLastServerServesWhileItDrainsThoughItsHealthCheckFails() throws Exception {
        Backend old = Backend.start("v0");
        Backend next = null;
        LoadClients clients = null;
        try {
            String[] meta = {"haproxy_vhost", "web.test", "check_http", "/health"};
            RouteReconciler reconciler = start(Optional.empty(), catalog().instance("web", "web-0", old.port(), meta)
                    .build());
            clients = LoadClients.start(CLIENTS, httpPort, "web.test", 5, Integer.MAX_VALUE, Duration.ofMinutes(2));
            LoadClients load = clients;
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> load.ok() >= 20);

            old.failHealth();
            reconciler.reconcile(catalog().instance("web", "web-0", old.port(), Health.MAINTENANCE, meta).build());
            pause(3_500); // HAProxy's check: inter 1s, fall 2

            next = Backend.start("v1");
            reconciler.reconcile(catalog().instance("web", "web-0", old.port(), Health.MAINTENANCE, meta)
                    .instance("web", "web-1", next.port(), meta).build());
            Backend replacement = next;
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> replacement.hits() > 0);
            reconciler.reconcile(catalog().instance("web", "web-1", next.port(), meta).build());
            reconciler.sweep();
            pause(500);

            assertThat(load.stop()).isTrue();
            System.out.printf("last server draining: %d requests ok, %d failed; answers %s%n", load.ok(),
                    load.failures().size(), load.answers());
            assertThat(load.failures()).as("failed requests while the only server drained").isEmpty();
            assertThat(load.answers().keySet()).containsExactlyInAnyOrder("v0", "v1");
        } finally {
            if (clients != null) {
                clients.close();
            }
            old.close();
            if (next != null) {
                next.close();
            }
        }
    }
}
