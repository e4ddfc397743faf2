package dev.quayside.edgerouter.service;

import dev.quayside.edgerouter.client.HaproxyClient;
import dev.quayside.edgerouter.support.Backend;
import dev.quayside.edgerouter.support.Catalogs;
import dev.quayside.edgerouter.support.FreePorts;
import dev.quayside.edgerouter.support.TestHaproxy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests of the render step against a real HAProxy of their own (master-worker, files in a temp dir, the front end on a
 * free 127.0.0.1 port) and real loopback backends, all stopped after each test.
 */
abstract class RealHaproxyTest {

    @TempDir
    Path dir;

    final List<AutoCloseable> closeables = new ArrayList<>();
    final List<RoutingState> announced = new ArrayList<>();
    HaproxyClient haproxy;
    int httpPort;

    @AfterEach
    void stopHaproxyAndBackends() throws Exception {
        if (haproxy != null) {
            haproxy.stop();
        }
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    <T extends AutoCloseable> T closing(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    Backend backend(String name) throws Exception {
        return closing(Backend.start(name));
    }

    /** A reconciler on a new HAProxy: bootstraps {@code first}, then starts HAProxy on it. */
    RouteReconciler start(Optional<Path> template, CatalogSnapshot first) throws Exception {
        httpPort = FreePorts.next();
        haproxy = new HaproxyClient(TestHaproxy.settings(dir));
        RouteReconciler reconciler = new RouteReconciler(
                new RouteReconciler.Settings("edge-test", new RouteTable.Rules(Set.of("external"), httpPort),
                        new RenderModel.Global("5s", 3), new RenderModel.Frontend("127.0.0.1", httpPort)),
                new ConfigRenderer(Catalogs.engine(), template), haproxy, announced::add, new SimpleMeterRegistry());
        reconciler.bootstrap(first);
        haproxy.start();
        return reconciler;
    }
}
