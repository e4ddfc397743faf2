package dev.quayside.edgerouter.service;

import static dev.quayside.edgerouter.support.Catalogs.catalog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.edgerouter.service.ServiceInstance.Health;
import dev.quayside.edgerouter.support.Backend;
import dev.quayside.edgerouter.support.Http;
import dev.quayside.edgerouter.support.Silent;
import dev.quayside.events.RoutesUpdated;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * HAProxy that protects itself, against a real HAProxy: changes of servers go through the runtime API without a
 * reload, a server that leaves is drained (its requests in flight finish, no new one arrives) and deleted once idle,
 * HAProxy's own health checks take out a server that died before the catalog knew, connection failures are retried on
 * another server, and an empty response is retried for idempotent requests only.
 */
class HaproxyProtectionTest extends RealHaproxyTest {

    private RouteReconciler start(CatalogSnapshot first) throws Exception {
        return start(Optional.empty(), first);
    }

    /** HAProxy serving {@code web.test} from {@code a} alone. */
    private RouteReconciler serving(Backend a) throws Exception {
        return start(catalog().instance("web", "web-a", a.port(), "haproxy_vhost", "web.test").build());
    }

    /** {@code show servers state <backend>}: server name to its operational state (0 stopped, 2 running). */
    private java.util.Map<String, Integer> serverStates(String backend) throws Exception {
        java.util.Map<String, Integer> states = new java.util.LinkedHashMap<>();
        for (String line : haproxy.runtime("show servers state " + backend).split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length > 5 && fields[1].equals(backend)) {
                states.put(fields[3], Integer.parseInt(fields[5]));
            }
        }
        return states;
    }

    @Test
    void aServerThatLeavesIsDrainedWithoutAReloadItsRequestInFlightFinishes() throws Exception {
        Backend a = backend("a");
        Backend b = backend("b");
        RouteReconciler reconciler = serving(a);
        assertThat(Http.get(httpPort, "web.test", "/").body()).isEqualTo("a");
        int reloads = haproxy.showProc().reloads();

        CompletableFuture<Http.Response> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return Http.get(httpPort, "web.test", "/slow");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> a.hits() == 2);

        // a rolling step: b passing, a leaving (its container got its stop signal: maintenance)
        RoutingState state = reconciler.reconcile(catalog()
                .instance("web", "web-a", a.port(), Health.MAINTENANCE, "haproxy_vhost", "web.test")
                .instance("web", "web-b", b.port(), "haproxy_vhost", "web.test").build());
        assertThat(state.outcome()).isEqualTo(RoutesUpdated.Outcome.RELOADED);
        assertThat(state.message()).contains("without a reload", "1 server(s) added", "1 drained");
        assertThat(haproxy.showProc().reloads()).as("no reload").isEqualTo(reloads);
        for (int i = 0; i < 6; i++) {
            assertThat(Http.get(httpPort, "web.test", "/").body()).as("no new request to a drained server")
                    .isEqualTo("b");
        }
        assertThat(inFlight.get(10, TimeUnit.SECONDS)).as("the request in flight on the drained server finished")
                .isEqualTo(new Http.Response(200, "a"));
        assertThat(a.hits()).isEqualTo(2);

        Awaitility.await("the idle drained server is deleted").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    reconciler.sweep();
                    return serverStates("be_web").keySet().equals(Set.of("web-b"));
                });
        assertThat(haproxy.showProc().reloads()).isEqualTo(reloads);
        assertThat(java.nio.file.Files.readString(haproxy.settings().configFile())).as("the file says what runs")
                .contains("server web-b 127.0.0.1:" + b.port()).doesNotContain("server web-a");
    }

    @Test
    void aServerThatComesBackWhileDrainingGoesBackIntoRotation() throws Exception {
        Backend a = backend("a");
        Backend b = backend("b");
        CatalogSnapshot both = catalog().instance("web", "web-a", a.port(), "haproxy_vhost", "web.test")
                .instance("web", "web-b", b.port(), "haproxy_vhost", "web.test").build();
        RouteReconciler reconciler = start(both);
        int reloads = haproxy.showProc().reloads();
        reconciler.reconcile(catalog().instance("web", "web-a", a.port(), "haproxy_vhost", "web.test")
                .instance("web", "web-b", b.port(), Health.CRITICAL, "haproxy_vhost", "web.test").build());
        reconciler.reconcile(both);
        java.util.Set<String> answers = new java.util.HashSet<>();
        for (int i = 0; i < 8; i++) {
            answers.add(Http.get(httpPort, "web.test", "/").body());
        }
        assertThat(answers).isEqualTo(Set.of("a", "b"));
        assertThat(haproxy.showProc().reloads()).isEqualTo(reloads);
    }

    @Test
    void aServerThatDiesBeforeTheCatalogKnowsIsRetriedElsewhereAndTakenOutByHaproxysCheck() throws Exception {
        Backend a = backend("a");
        Backend b = Backend.start("b");
        start(catalog().instance("web", "web-a", a.port(), "haproxy_vhost", "web.test", "check_http", "/health")
                .instance("web", "web-b", b.port(), "haproxy_vhost", "web.test", "check_http", "/health").build());
        assertThat(java.nio.file.Files.readString(haproxy.settings().configFile()))
                .contains("option httpchk GET /health", "check inter 1s");
        b.close(); // the container is gone; the catalog still lists it
        for (int i = 0; i < 10; i++) {
            assertThat(Http.get(httpPort, "web.test", "/")).as("request %d: retried on a", i)
                    .isEqualTo(new Http.Response(200, "a"));
        }
        Awaitility.await("HAProxy's check marks b down").atMost(Duration.ofSeconds(10))
                .until(() -> serverStates("be_web").get("web-b") == 0);
    }

    @Test
    void anEmptyResponseIsRetriedForIdempotentRequestsOnly() throws Exception {
        Backend a = backend("a");
        Silent silent = closing(Silent.start());
        start(catalog().instance("web", "web-a", a.port(), "haproxy_vhost", "web.test")
                .instance("web", "web-s", silent.port(), "haproxy_vhost", "web.test").build());
        for (int i = 0; i < 6; i++) {
            assertThat(Http.request(httpPort, "GET", "web.test", "/")).as("GET %d", i)
                    .isEqualTo(new Http.Response(200, "a"));
        }
        int silentBefore = silent.requests();
        assertThat(silentBefore).as("GETs reached the silent server and were retried").isPositive();
        List<Integer> posts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            posts.add(Http.request(httpPort, "POST", "web.test", "/").status());
        }
        assertThat(posts).as("a POST that may have reached the server is never sent twice").contains(502);
        assertThat(silent.requests() - silentBefore).isEqualTo((int) posts.stream().filter(s -> s == 502).count());
    }

    @Test
    void theLastServerOfABackendDrainsOnlyOnceAReplacementIsInRotation() throws Exception {
        Backend a = backend("a");
        Backend b = backend("b");
        RouteReconciler reconciler = serving(a);
        int reloads = haproxy.showProc().reloads();
        // a got its stop signal before its replacement passes: it still serves while it drains
        reconciler.reconcile(catalog().instance("web", "web-a", a.port(), Health.MAINTENANCE, "haproxy_vhost",
                "web.test").build());
        assertThat(Http.get(httpPort, "web.test", "/")).as("kept rather than 503")
                .isEqualTo(new Http.Response(200, "a"));
        reconciler.reconcile(catalog().instance("web", "web-a", a.port(), Health.MAINTENANCE, "haproxy_vhost",
                "web.test").instance("web", "web-b", b.port(), "haproxy_vhost", "web.test").build());
        for (int i = 0; i < 6; i++) {
            assertThat(Http.get(httpPort, "web.test", "/").body()).as("drained once b is in rotation").isEqualTo("b");
        }
        assertThat(haproxy.showProc().reloads()).isEqualTo(reloads);
    }
}
