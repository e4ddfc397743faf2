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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Wires the stage together on one render thread: a Consul change is rendered after a short quiet period
 * ({@code wait-period.runtime}) and applied through HAProxy's runtime API when only servers changed; a change that
 * needs a reload goes through consul-template's quiet period ({@code wait-period.min/max}). HAProxy is started
 * (supervise mode) after the first render; the user's template is checked for changes; servers drained at run time
 * are swept once idle. On shutdown the watches and the render thread stop first, then HAProxy, which nothing starts
 * again.
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
    private final QuietPeriod runtimePeriod;

    RouteSyncService(EdgeRouterConfig config, ConsulCatalogClient consul, HaproxyClient haproxy,
            RoutesUpdatedPublisher publisher, Engine engine, MeterRegistry registry) {
        this.config = config;
        this.consul = consul;
        this.haproxy = haproxy;
        this.publisher = publisher;
        this.renderer = new ConfigRenderer(engine, config.template());
        RouteOwners reserved = RouteOwners.parse(config.routeOwners().orElse(java.util.List.of()));
        this.reconciler = new RouteReconciler(new RouteReconciler.Settings(config.instance(),
                new RouteTable.Rules(new HashSet<>(config.groups()), config.frontend().httpPort(), reserved),
                new RenderModel.Global(config.haproxy().hardStopAfter().toMillis() + "ms", config.haproxy().maxReloads()),
                new RenderModel.Frontend(config.frontend().bindAddress(), config.frontend().httpPort()),
                haproxy.settings().configFile().resolveSibling("route-owners.json"), config.haproxy().hardStopAfter(),
                config.haproxy().runtimeApi()),
                renderer, haproxy, publisher::publish, registry);
        java.util.concurrent.ScheduledThreadPoolExecutor render = new java.util.concurrent.ScheduledThreadPoolExecutor(1,
                r -> {
                    Thread thread = new Thread(r, "edge-router-render");
                    thread.setDaemon(true);
                    return thread;
                });
        // on shutdown a render under way finishes (never interrupted half-way), nothing scheduled starts
        render.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.renderThread = render;
        this.quietPeriod = new QuietPeriod(config.waitPeriod().min(), config.waitPeriod().max(), renderThread,
                this::render);
        this.runtimePeriod = new QuietPeriod(config.waitPeriod().runtime(), config.waitPeriod().runtime(),
                renderThread, this::renderAtRuntime);
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
        consul.onChange(runtimePeriod::signal);
        consul.start();
        long sweep = config.haproxy().sweepInterval().toMillis();
        renderThread.scheduleWithFixedDelay(this::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
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
        renderThread.shutdown();
        try {
            // a render in progress ends before HAProxy stops: nothing reloads or restarts it afterwards
            if (!renderThread.awaitTermination(config.haproxy().commandTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("a render did not finish in time; stopping HAProxy anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        haproxy.stop();
    }

    private void render() {
        try {
            reconciler.reconcile(consul.snapshot());
        } catch (RuntimeException e) {
            LOG.error("render failed", e);
        }
    }

    /** The fast path: servers changed only → applied now; otherwise the reload waits for the quiet period. */
    private void renderAtRuntime() {
        try {
            if (!reconciler.reconcileAtRuntime(consul.snapshot())) {
                quietPeriod.signal();
            }
        } catch (RuntimeException e) {
            LOG.error("render failed", e);
            quietPeriod.signal();
        }
    }

    private void sweep() {
        try {
            reconciler.sweep();
        } catch (RuntimeException e) {
            LOG.warn("sweeping drained servers failed", e);
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
