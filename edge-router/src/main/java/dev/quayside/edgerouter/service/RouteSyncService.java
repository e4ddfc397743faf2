package dev.quayside.edgerouter.service;

import dev.quayside.edgerouter.client.ConsulCatalogClient;
import dev.quayside.edgerouter.client.HaproxyClient;
import dev.quayside.edgerouter.config.EdgeRouterConfig;
import dev.quayside.edgerouter.messaging.RoutesUpdatedPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.qute.Engine;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Wires the stage together: Consul changes go through the quiet period to the render step, which runs on one thread;
 * HAProxy is started (supervise mode) after the first render; the user's template is checked for changes.
 */
@ApplicationScoped
public class RouteSyncService {

    private static final Logger LOG = Logger.getLogger(RouteSyncService.class);

    private final EdgeRouterConfig config;
    private final ConsulCatalogClient consul;
    private final HaproxyClient haproxy;
    private final RoutesUpdatedPublisher publisher;
    private final ConfigRenderer renderer;
    private final RouteReconciler reconciler;
    private final ScheduledExecutorService renderThread;
    private final QuietPeriod quietPeriod;

    RouteSyncService(EdgeRouterConfig config, ConsulCatalogClient consul, HaproxyClient haproxy,
            RoutesUpdatedPublisher publisher, Engine engine, MeterRegistry registry) {
        this.config = config;
        this.consul = consul;
        this.haproxy = haproxy;
        this.publisher = publisher;
        this.renderer = new ConfigRenderer(engine, config.template());
        this.reconciler = new RouteReconciler(new RouteReconciler.Settings(config.instance(),
                new RouteTable.Rules(new HashSet<>(config.groups()), config.frontend().httpPort()),
                new RenderModel.Global(config.haproxy().hardStopAfter().toMillis() + "ms", config.haproxy().maxReloads()),
                new RenderModel.Frontend(config.frontend().bindAddress(), config.frontend().httpPort())),
                renderer, haproxy, publisher::publish, registry);
        this.renderThread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "edge-router-render");
            thread.setDaemon(true);
            return thread;
        });
        this.quietPeriod = new QuietPeriod(config.waitPeriod().min(), config.waitPeriod().max(), renderThread,
                this::render);
    }

    void onStart(@Observes StartupEvent event) {
        LOG.infof("edge-router %s: template %s, HAProxy %s (%s), front end %s:%d", config.instance(), renderer.source(),
                haproxy.settings().configFile(), config.haproxy().mode(), config.frontend().bindAddress(),
                config.frontend().httpPort());
        reconciler.bootstrap(consul.snapshot());
        try {
            haproxy.start();
        } catch (IOException e) {
            throw new UncheckedIOException("HAProxy did not start: " + e.getMessage(), e);
        }
        consul.onChange(quietPeriod::signal);
        consul.start();
        long interval = config.templateCheckInterval().toMillis();
        if (config.template().isPresent() && interval > 0) {
            renderThread.scheduleWithFixedDelay(() -> {
                if (renderer.templateChanged()) {
                    LOG.infof("template %s changed", renderer.source());
                    quietPeriod.signal();
                }
            }, interval, interval, TimeUnit.MILLISECONDS);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        consul.stop();
        renderThread.shutdownNow();
        haproxy.stop();
    }

    private void render() {
        try {
            reconciler.reconcile(consul.snapshot());
        } catch (RuntimeException e) {
            LOG.error("render failed", e);
        }
    }

    /** What is rendered now. */
    public RoutingState state() {
        return reconciler.state();
    }

    /** Asks for a render now (after the quiet period), e.g. after a template edit. */
    public void requestRender() {
        quietPeriod.signal();
    }
}
