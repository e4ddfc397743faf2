package dev.quayside.edgerouter.service;

import dev.quayside.edgerouter.client.HaproxyClient;
import dev.quayside.events.RoutesUpdated;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The render step, in order: routes from the catalog, render the template, skip when the output is what HAProxy already
 * runs, validate with {@code haproxy -c}, install atomically, reload through the master CLI, announce the outcome. An
 * invalid render never touches the live configuration.
 */
public class RouteReconciler {

    private static final Logger LOG = Logger.getLogger(RouteReconciler.class);

    /** What a render needs besides the catalog. */
    public record Settings(String instance, RouteTable.Rules rules, RenderModel.Global global,
            RenderModel.Frontend frontend) {
    }

    private final Settings settings;
    private final ConfigRenderer renderer;
    private final HaproxyClient haproxy;
    private final Consumer<RoutingState> listener;
    private final MeterRegistry registry;
    private final Timer renderTimer;
    private volatile RoutingState state;
    private String rejectedHash;

    public RouteReconciler(Settings settings, ConfigRenderer renderer, HaproxyClient haproxy,
            Consumer<RoutingState> listener, MeterRegistry registry) {
        this.settings = settings;
        this.renderer = renderer;
        this.haproxy = haproxy;
        this.listener = listener;
        this.registry = registry;
        this.renderTimer = Timer.builder("quayside.edge-router.render").description("catalog to live configuration")
                .register(registry);
        this.state = RoutingState.initial(settings.instance());
    }

    /** The routes HAProxy serves now, and what happened to the last render. */
    public RoutingState state() {
        return state;
    }

    /**
     * First render at start-up: installs the configuration; in supervise mode the caller then starts HAProxy. When the
     * configuration file already holds exactly this output (an external HAProxy after an edge-router restart), nothing
     * is reloaded and the outcome is {@code UNCHANGED}.
     *
     * @throws IllegalStateException when the first render is invalid: there is no older configuration to keep
     */
    public synchronized RoutingState bootstrap(CatalogSnapshot catalog) {
        RoutingState result = reconcile(catalog, false);
        if (result.outcome() == RoutesUpdated.Outcome.INVALID) {
            throw new IllegalStateException("the first render is invalid, HAProxy cannot start: " + result.message());
        }
        return result;
    }

    /** Renders {@code catalog} and reloads HAProxy when the output changed. */
    public synchronized RoutingState reconcile(CatalogSnapshot catalog) {
        return reconcile(catalog, true);
    }

    private RoutingState reconcile(CatalogSnapshot catalog, boolean reload) {
        long start = System.nanoTime();
        RouteTable table = RouteTable.of(catalog, settings.rules());
        RenderModel model = RenderModel.of(settings.instance(), settings.global(), settings.frontend(), table);
        String text;
        try {
            text = renderer.render(model);
        } catch (ConfigRenderer.TemplateProblem e) {
            return finish(state.failed(table, null, RoutesUpdated.Outcome.INVALID, e.getMessage()), start);
        }
        String hash = sha256(text);
        Path live = haproxy.settings().configFile();
        if (hash.equals(state.configHash())) {
            return unchanged(table, start);
        }
        if (hash.equals(rejectedHash)) {
            // the same invalid output again: already announced
            return state;
        }
        try {
            if (state.configHash() == null && Files.exists(live)
                    && hash.equals(sha256(Files.readString(live, StandardCharsets.UTF_8)))) {
                return finish(state.live(table, hash, RoutesUpdated.Outcome.UNCHANGED,
                        "the configuration file already holds this render"), start);
            }
            Files.createDirectories(live.toAbsolutePath().getParent());
            Path candidate = live.resolveSibling(live.getFileName() + ".candidate");
            Files.writeString(candidate, text, StandardCharsets.UTF_8);
            long rendered = System.nanoTime();
            HaproxyClient.Validation validation = haproxy.install(candidate);
            long validated = System.nanoTime();
            if (!validation.valid()) {
                rejectedHash = hash;
                LOG.warnf("rendered configuration %s is invalid, HAProxy keeps the running one: %s", hash,
                        validation.message());
                return finish(state.failed(table, hash, RoutesUpdated.Outcome.INVALID, validation.message()), start);
            }
            rejectedHash = null;
            if (!reload) {
                return finish(state.live(table, hash, RoutesUpdated.Outcome.RELOADED, "installed"), start);
            }
            HaproxyClient.Reload result = haproxy.reload();
            if (!result.reloaded()) {
                LOG.errorf("HAProxy reload failed: %s", result.message());
                return finish(state.failed(table, hash, RoutesUpdated.Outcome.RELOAD_FAILED, result.message()), start);
            }
            LOG.infof("routes live: %d route(s), %d server(s), config %s (%s); render %d ms, validate %d ms, reload %d ms",
                    table.routes().size(), table.serverCount(), hash.substring(0, 12), result.message(),
                    (rendered - start) / 1_000_000, (validated - rendered) / 1_000_000,
                    (System.nanoTime() - validated) / 1_000_000);
            return finish(state.live(table, hash, RoutesUpdated.Outcome.RELOADED, result.message()), start);
        } catch (IOException e) {
            return finish(state.failed(table, hash, RoutesUpdated.Outcome.RELOAD_FAILED,
                    "cannot write " + live + ": " + e.getMessage()), start);
        }
    }

    private RoutingState unchanged(RouteTable table, long start) {
        // health or metadata changes that do not change the output still show in GET /routes
        state = state.withTable(table);
        renderTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        return state;
    }

    private RoutingState finish(RoutingState next, long start) {
        state = next;
        renderTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        Counter.builder("quayside.edge-router.renders").tag("outcome", next.outcome().name().toLowerCase())
                .register(registry).increment();
        listener.accept(next);
        return next;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
