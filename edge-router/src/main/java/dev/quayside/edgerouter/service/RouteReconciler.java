package dev.quayside.edgerouter.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quayside.edgerouter.client.HaproxyClient;
import dev.quayside.events.RoutesUpdated;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The render step, in order: routes from the catalog, render the template, skip when the output is what HAProxy already
 * runs, then either
 * <ul>
 * <li><b>at run time</b>, when only server lines changed (the configuration's shape is the same): new servers are
 * added and enabled, and servers that leave are put into {@code drain} (requests in flight finish, no new ones
 * arrive) through HAProxy's runtime API, without a reload; the output is then validated and installed so the file says
 * what runs; drained servers are deleted once idle ({@link #sweep()});</li>
 * <li>or <b>by a reload</b>: validate with {@code haproxy -c}, install atomically, reload through the master CLI.</li>
 * </ul>
 * Every outcome is announced. An invalid render never touches the live configuration. The owners of virtual hosts and
 * ports are remembered between renders (and in a file beside the configuration, across restarts).
 */
public class RouteReconciler {

    private static final Logger LOG = Logger.getLogger(RouteReconciler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What a render needs besides the catalog.
     *
     * @param ownersFile  where the owners of hosts and ports are kept across restarts, or null
     * @param drainLimit  how long a drained server may keep connections before it is left in maintenance until the
     *                    next reload
     * @param runtimeApi  false to reload for every change, as consul-template does (for comparison, or a template whose
     *                    server lines dynamic servers cannot take)
     */
    public record Settings(String instance, RouteTable.Rules rules, RenderModel.Global global,
            RenderModel.Frontend frontend, Path ownersFile, Duration drainLimit, boolean runtimeApi) {

        public Settings(String instance, RouteTable.Rules rules, RenderModel.Global global,
                RenderModel.Frontend frontend, Path ownersFile, Duration drainLimit) {
            this(instance, rules, global, frontend, ownersFile, drainLimit, true);
        }

        public Settings(String instance, RouteTable.Rules rules, RenderModel.Global global,
                RenderModel.Frontend frontend) {
            this(instance, rules, global, frontend, null, Duration.ofSeconds(30));
        }
    }

    /** A server taken out at run time, waiting to be deleted once idle. */
    private record Drained(ServerChanges.ServerLine line, long sinceNanos) {
    }

    private final Settings settings;
    private final ConfigRenderer renderer;
    private final HaproxyClient haproxy;
    private final Consumer<RoutingState> listener;
    private final MeterRegistry registry;
    private final Timer renderTimer;
    private final Counter runtimeChanges;
    private volatile RoutingState state;
    private String rejectedHash;
    /** The text HAProxy runs (the live file), null before the first render. */
    private String liveText;
    private RouteOwners owners;
    private final Map<String, Drained> drained = new LinkedHashMap<>();
    /**
     * Servers of instances in maintenance kept in rotation because they are the last of their backend: a draining
     * task still serves, and is drained as soon as a replacement is in rotation or it is gone from the catalog.
     */
    private final Map<String, ServerChanges.ServerLine> kept = new LinkedHashMap<>();

    public RouteReconciler(Settings settings, ConfigRenderer renderer, HaproxyClient haproxy,
            Consumer<RoutingState> listener, MeterRegistry registry) {
        this.settings = settings;
        this.renderer = renderer;
        this.haproxy = haproxy;
        this.listener = listener;
        this.registry = registry;
        this.renderTimer = Timer.builder("quayside.edge-router.render").description("catalog to live configuration")
                .publishPercentiles(0.5, 0.95, 0.99).register(registry);
        this.runtimeChanges = Counter.builder("quayside.edge-router.runtime.changes")
                .description("renders applied through the runtime API without a reload").register(registry);
        this.state = RoutingState.initial(settings.instance());
        this.owners = loadOwners();
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
        RoutingState result = reconcile(catalog, Mode.BOOTSTRAP);
        if (result.outcome() == RoutesUpdated.Outcome.INVALID) {
            throw new IllegalStateException("the first render is invalid, HAProxy cannot start: " + result.message());
        }
        return result;
    }

    /** Renders {@code catalog} and applies it: at run time when only servers changed, else by a reload. */
    public synchronized RoutingState reconcile(CatalogSnapshot catalog) {
        return reconcile(catalog, Mode.FULL);
    }

    /**
     * The fast path: applies {@code catalog} when HAProxy's runtime API can (only servers changed), and answers true
     * when nothing is left to do. When a reload is needed it answers false after draining, at once, the servers that
     * leave existing backends (so a task that stops is out of rotation before the reload's quiet period ends).
     */
    public synchronized boolean reconcileAtRuntime(CatalogSnapshot catalog) {
        return reconcile(catalog, Mode.RUNTIME_ONLY) != null;
    }

    private enum Mode {
        BOOTSTRAP, FULL, RUNTIME_ONLY
    }

    /** Returns the new state, or null when {@code RUNTIME_ONLY} could not apply it. */
    private RoutingState reconcile(CatalogSnapshot catalog, Mode mode) {
        long start = System.nanoTime();
        RouteTable table = RouteTable.of(catalog, settings.rules(), owners);
        rememberOwners(table.owners());
        RenderModel model = RenderModel.of(settings.instance(), settings.global(), settings.frontend(), table);
        String text;
        try {
            text = renderer.render(model);
        } catch (ConfigRenderer.TemplateProblem e) {
            if (mode == Mode.RUNTIME_ONLY) {
                return null;
            }
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
        if (mode != Mode.BOOTSTRAP && liveText != null && settings.runtimeApi()) {
            ServerChanges changes = ServerChanges.between(liveText, text);
            if (changes.sameShape()) {
                RoutingState applied = applyAtRuntime(changes, table, text, hash, start);
                if (applied != null || mode == Mode.RUNTIME_ONLY) {
                    return applied;
                }
            } else if (mode == Mode.RUNTIME_ONLY) {
                drainEarly(changes, text, table);
                return null;
            }
        }
        if (mode == Mode.RUNTIME_ONLY) {
            return null;
        }
        try {
            if (state.configHash() == null && Files.exists(live)
                    && hash.equals(sha256(Files.readString(live, StandardCharsets.UTF_8)))) {
                liveText = text;
                return finish(state.live(table, hash, RoutesUpdated.Outcome.UNCHANGED,
                        "the configuration file already holds this render"), start);
            }
            long rendered = System.nanoTime();
            HaproxyClient.Validation validation = haproxy.install(writeCandidate(text));
            long validated = System.nanoTime();
            if (!validation.valid()) {
                return rejected(table, hash, validation, start);
            }
            rejectedHash = null;
            liveText = text;
            if (mode == Mode.BOOTSTRAP) {
                return finish(state.live(table, hash, RoutesUpdated.Outcome.RELOADED, "installed"), start);
            }
            HaproxyClient.Reload result = haproxy.reload();
            if (!result.reloaded()) {
                LOG.errorf("HAProxy reload failed: %s", result.message());
                return finish(state.failed(table, hash, RoutesUpdated.Outcome.RELOAD_FAILED, result.message()), start);
            }
            drained.clear(); // the new worker only has what the file says
            kept.clear();
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

    /**
     * Adds the new servers (first, so capacity never drops), drains the leaving ones, then validates and installs the
     * output so the file says what runs. Returns null when the runtime API refused a change: a reload then makes the
     * running worker equal to the file again.
     */
    private RoutingState applyAtRuntime(ServerChanges changes, RouteTable table, String text, String hash,
            long start) {
        try {
            for (ServerChanges.ServerLine line : changes.added()) {
                Drained waiting = drained.get(line.path());
                ServerChanges.ServerLine standing = kept.remove(line.path());
                if (standing != null && ServerChanges.sameLine(standing, line)) {
                    if (line.checked()) {
                        haproxy.resumeHealthCheck(line.section(), line.name()); // it never left the rotation
                    }
                } else if (standing != null) {
                    throw new IOException(line.path() + " is still in rotation with other settings");
                } else if (waiting != null && ServerChanges.sameLine(waiting.line(), line)) {
                    haproxy.setServerState(line.section(), line.name(), "ready");
                    drained.remove(line.path());
                } else if (waiting != null) {
                    throw new IOException(line.path() + " is still draining with other settings");
                } else {
                    haproxy.addServer(line.section(), line.name(), line.arguments(), line.checked());
                }
            }
            restoreDrained(text);
            Map<String, ServerChanges.ServerLine> wanted = ServerChanges.lines(text);
            for (ServerChanges.ServerLine line : changes.removed()) {
                drainOrKeep(line, wanted, table);
            }
            releaseKept(wanted, table);
        } catch (IOException e) {
            LOG.warnf("runtime API refused %s (%s): reloading instead", changes, e.getMessage());
            return null;
        }
        long applied = System.nanoTime();
        try {
            HaproxyClient.Validation validation = haproxy.install(writeCandidate(text));
            if (!validation.valid()) {
                // the running worker took the servers but the file cannot: back to the live file
                RoutingState rejected = rejected(table, hash, validation, start);
                HaproxyClient.Reload back = haproxy.reload();
                drained.clear();
                kept.clear();
                LOG.warnf("reloaded the live configuration after an invalid runtime render: %s", back.message());
                return rejected;
            }
        } catch (IOException e) {
            return finish(state.failed(table, hash, RoutesUpdated.Outcome.RELOAD_FAILED,
                    "cannot write " + haproxy.settings().configFile() + ": " + e.getMessage()), start);
        }
        rejectedHash = null;
        liveText = text;
        runtimeChanges.increment();
        String message = "applied through the runtime API without a reload: " + changes.added().size()
                + " server(s) added, " + changes.removed().size() + " drained";
        LOG.infof("routes live: %d route(s), %d server(s), config %s (%s); live after %d ms, installed after %d ms",
                table.routes().size(), table.serverCount(), hash.substring(0, 12), message,
                (applied - start) / 1_000_000, (System.nanoTime() - start) / 1_000_000);
        return finish(state.live(table, hash, RoutesUpdated.Outcome.RELOADED, message), start);
    }

    /** A reload is coming: servers leaving backends that stay are drained now, not after the quiet period. */
    private void drainEarly(ServerChanges changes, String text, RouteTable table) {
        Map<String, ServerChanges.ServerLine> wanted = ServerChanges.lines(text);
        for (ServerChanges.ServerLine line : changes.removed()) {
            if (!drained.containsKey(line.path()) && !kept.containsKey(line.path())) {
                try {
                    drainOrKeep(line, wanted, table);
                    LOG.infof("took %s out ahead of a reload", line.path());
                } catch (IOException e) {
                    LOG.debugf("could not drain %s ahead of the reload: %s", line.path(), e.getMessage());
                }
            }
        }
    }

    /**
     * Drains a leaving server, unless its instance is in maintenance (a task that got its stop signal and still
     * serves while it drains) and no other server of its backend is in rotation: then it is kept until a
     * replacement is, or until it is gone from the catalog, rather than answering 503 meanwhile — with HAProxy's
     * health check of it off, since a draining task fails its health check on purpose.
     */
    private void drainOrKeep(ServerChanges.ServerLine line, Map<String, ServerChanges.ServerLine> wanted,
            RouteTable table) throws IOException {
        if (inMaintenance(line, table) && wanted.values().stream().noneMatch(w -> w.section().equals(line.section()))) {
            if (line.checked()) {
                haproxy.pinUp(line.section(), line.name()); // its task fails its health check while it drains
            }
            kept.put(line.path(), line);
            LOG.infof("%s drains but is the last server of %s: kept in rotation, its health check off, until a"
                    + " replacement is", line.path(), line.section());
            return;
        }
        drain(line);
    }

    /** Drains the servers kept as last ones once a replacement is in rotation or their instance is gone. */
    private void releaseKept(Map<String, ServerChanges.ServerLine> wanted, RouteTable table) throws IOException {
        for (ServerChanges.ServerLine line : java.util.List.copyOf(kept.values())) {
            boolean replaced = wanted.values().stream().anyMatch(w -> w.section().equals(line.section()));
            if (replaced || !inMaintenance(line, table)) {
                kept.remove(line.path());
                drain(line);
                LOG.infof("%s drained: %s", line.path(), replaced ? "a replacement is in rotation" : "it is gone");
            }
        }
    }

    /** True when the server's instance is still in the catalog, in maintenance. */
    private static boolean inMaintenance(ServerChanges.ServerLine line, RouteTable table) {
        return table.routes().stream().filter(r -> r.backend().equals(line.section()))
                .flatMap(r -> r.instances().stream())
                .anyMatch(i -> i.health() == ServiceInstance.Health.MAINTENANCE
                        && RouteTable.safeName(i.id()).equals(line.name()));
    }

    /**
     * Servers drained ahead of a reload that the configuration wants again after all (a flapping health check, a
     * change undone within the quiet period) go back into rotation.
     */
    private void restoreDrained(String text) throws IOException {
        if (drained.isEmpty()) {
            return;
        }
        Map<String, ServerChanges.ServerLine> wanted = ServerChanges.lines(text);
        for (Drained waiting : java.util.List.copyOf(drained.values())) {
            ServerChanges.ServerLine line = wanted.get(waiting.line().path());
            if (line != null && ServerChanges.sameLine(line, waiting.line())) {
                haproxy.setServerState(line.section(), line.name(), "ready");
                drained.remove(line.path());
                LOG.infof("server %s is wanted again: back in rotation", line.path());
            }
        }
    }

    private void drain(ServerChanges.ServerLine line) throws IOException {
        haproxy.setServerState(line.section(), line.name(), "drain");
        drained.put(line.path(), new Drained(line, System.nanoTime()));
    }

    /**
     * Deletes servers drained at run time once they have no connection left ({@code maint}, then {@code del server});
     * one still busy after the drain limit is left in maintenance until the next reload.
     */
    public synchronized void sweep() {
        if (drained.isEmpty() || !haproxy.supervising() && haproxy.settings().supervise()) {
            return;
        }
        for (Map.Entry<String, Drained> entry : Map.copyOf(drained).entrySet()) {
            ServerChanges.ServerLine line = entry.getValue().line();
            try {
                haproxy.setServerState(line.section(), line.name(), "maint");
                if (haproxy.deleteServer(line.section(), line.name())) {
                    drained.remove(entry.getKey());
                    LOG.debugf("deleted drained server %s", line.path());
                } else if (System.nanoTime() - entry.getValue().sinceNanos() > settings.drainLimit().toNanos()) {
                    drained.remove(entry.getKey());
                    LOG.infof("server %s still has connections after %s: left in maintenance until the next reload",
                            line.path(), settings.drainLimit());
                }
            } catch (IOException e) {
                drained.remove(entry.getKey());
                LOG.debugf("drained server %s: %s", line.path(), e.getMessage());
            }
        }
    }

    private Path writeCandidate(String text) throws IOException {
        Path live = haproxy.settings().configFile();
        Files.createDirectories(live.toAbsolutePath().getParent());
        Path candidate = live.resolveSibling(live.getFileName() + ".candidate");
        Files.writeString(candidate, text, StandardCharsets.UTF_8);
        return candidate;
    }

    private RoutingState rejected(RouteTable table, String hash, HaproxyClient.Validation validation, long start) {
        rejectedHash = hash;
        LOG.warnf("rendered configuration %s is invalid, HAProxy keeps the running one: %s", hash,
                validation.message());
        return finish(state.failed(table, hash, RoutesUpdated.Outcome.INVALID, validation.message()), start);
    }

    private RoutingState unchanged(RouteTable table, long start) {
        try {
            restoreDrained(liveText == null ? "" : liveText);
            releaseKept(ServerChanges.lines(liveText == null ? "" : liveText), table);
        } catch (IOException e) {
            LOG.warnf("could not put drained servers back into rotation: %s", e.getMessage());
        }
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

    /** Keeps the owners for the next render, and in the owners file when they changed. */
    private void rememberOwners(RouteOwners next) {
        if (next.equals(owners)) {
            return;
        }
        owners = next;
        Path file = settings.ownersFile();
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(temp.toFile(), next);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warnf("could not keep the route owners in %s: %s", file, e.getMessage());
        }
    }

    private RouteOwners loadOwners() {
        Path file = settings.ownersFile();
        if (file == null || !Files.exists(file)) {
            return RouteOwners.NONE;
        }
        try {
            return JSON.readValue(file.toFile(), RouteOwners.class);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("ignoring the route owners file %s: %s", file, e.getMessage());
            return RouteOwners.NONE;
        }
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
