package dev.quayside.registrator.service;

import dev.quayside.events.Container;
import dev.quayside.registrator.client.ConsulClient;
import dev.quayside.registrator.client.DockerEngineClient;
import dev.quayside.registrator.client.DockerEngineClient.ContainerEvent;
import dev.quayside.registrator.messaging.ContainerEventsEmitter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Keeps this host's part of the Consul catalog equal to its running containers. Every change runs on one thread, in
 * the order the engine reported it: {@link #handle} for one event, {@link #sync} for a full pass (list, register,
 * deregister what is gone, clean up this host's dangling ids).
 * <p>
 * Drain before kill runs on a thread of its own so that a long sync never delays it: a container's stop signal
 * ({@code kill} event) or a Docker health check turning {@code unhealthy} puts a <em>hold</em> on the container, and
 * its services go into Consul maintenance at once; a hold is re-applied after every (re-)registration and lifted when
 * the container is healthy again or starts anew. Holds and registrations are each published before the other thread
 * is consulted, so whichever comes second applies the maintenance.
 */
@ApplicationScoped
public class Registrar {

    private static final Logger LOG = Logger.getLogger(Registrar.class);
    /** Bit set on an exit code when the process ended by a signal. */
    private static final int SIGNALED = 128;
    /** Concurrent Docker inspections and Consul registrations during a full sync. */
    private static final int CONCURRENCY = 8;

    private final DockerEngineClient docker;
    private final ConsulClient consul;
    private final ContainerEventsEmitter events;
    private final RegistratorSettings settings;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(daemon("registrator-reconciler"));
    private final ExecutorService drainer = Executors.newSingleThreadExecutor(daemon("registrator-drain"));

    /** Why a container's services are held in maintenance, since when (the engine's event time; 0: unknown). */
    record Hold(boolean stopping, String reason, long atNano) {
    }

    /** Containers whose services must be in maintenance, by container id (both threads). */
    private final Map<String, Hold> holds = new ConcurrentHashMap<>();
    /** Service ids put into maintenance and not taken out since (both threads). */
    private final Set<String> maintained = ConcurrentHashMap.newKeySet();

    /** What is registered, by container id (only touched on the worker thread). */
    private final Map<String, List<ServiceRegistration>> registered = new LinkedHashMap<>();
    /** Services of dead containers kept registered ({@code deregister=on-success} and a failed exit). */
    private final Map<String, List<ServiceRegistration>> retained = new LinkedHashMap<>();
    private volatile Map<String, ServiceRegistration> snapshot = Map.of();
    private volatile Instant lastSync;

    private final Counter registrations;
    private final Counter deregistrations;
    private final Counter failures;
    private final Timer startLatency;
    private final Timer drainLatency;
    private final Timer syncTimer;

    Registrar(DockerEngineClient docker, ConsulClient consul, ContainerEventsEmitter events,
            RegistratorSettings settings, MeterRegistry meters) {
        this.docker = docker;
        this.consul = consul;
        this.events = events;
        this.settings = settings;
        this.registrations = meters.counter("quayside.registrator.registrations");
        this.deregistrations = meters.counter("quayside.registrator.deregistrations");
        this.failures = meters.counter("quayside.registrator.failures");
        this.startLatency = Timer.builder("quayside.registrator.start.latency")
                .description("Docker start event to the service registered in Consul")
                .publishPercentiles(0.5, 0.95).register(meters);
        this.drainLatency = Timer.builder("quayside.registrator.drain.latency")
                .description("Docker stop signal (kill event) to the container's services in Consul maintenance")
                .publishPercentiles(0.5, 0.95).register(meters);
        this.syncTimer = Timer.builder("quayside.registrator.sync").register(meters);
        meters.gauge("quayside.registrator.services", this, r -> r.snapshot.size());
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Queues one Docker event: signals and health changes on the drain thread, the rest in order on the worker. */
    public CompletableFuture<Void> submit(ContainerEvent event) {
        if (isDrainEvent(event)) {
            return CompletableFuture.runAsync(() -> {
                try {
                    drainEvent(event);
                } catch (RuntimeException e) {
                    failures.increment();
                    LOG.errorf("%s failed; the next sync repairs it: %s", event, e.toString());
                }
            }, drainer);
        }
        return CompletableFuture.runAsync(() -> guarded(() -> handle(event), "event " + event), worker);
    }

    private static boolean isDrainEvent(ContainerEvent event) {
        return "kill".equals(event.action()) || event.action() != null && event.action().startsWith("health_status");
    }

    /** Queues a full sync; the future fails when the sync did (Docker or Consul unreachable). */
    public CompletableFuture<Void> submitSync(String reason) {
        return CompletableFuture.runAsync(() -> {
            try {
                sync(reason);
            } catch (RuntimeException e) {
                failures.increment();
                LOG.errorf("sync (%s) failed: %s", reason, e.toString());
                throw e;
            } finally {
                publishSnapshot();
            }
        }, worker);
    }

    /** The registrations made, by service id. */
    public Map<String, ServiceRegistration> registrations() {
        return snapshot;
    }

    /** Why a container's services are held in maintenance (a stop signal, an unhealthy Docker health check), or null. */
    public String maintenanceReason(String containerId) {
        Hold hold = holds.get(containerId);
        return hold == null ? null : hold.reason();
    }

    /** When the last full sync ended, or null. */
    public Instant lastSync() {
        return lastSync;
    }

    private void guarded(Runnable work, String what) {
        try {
            work.run();
        } catch (RuntimeException e) {
            failures.increment();
            LOG.errorf("%s failed; the next sync repairs it: %s", what, e.toString());
        } finally {
            publishSnapshot();
        }
    }

    void handle(ContainerEvent event) {
        switch (event.action()) {
            case "start":
                start(event.containerId(), event.timeNano());
                break;
            case "die":
            case "stop":
                holds.remove(event.containerId());
                died(event.containerId());
                break;
            case "destroy":
                holds.remove(event.containerId());
                remove(event.containerId(), null, "destroyed");
                break;
            default:
                LOG.debugf("ignoring %s of %s", event.action(), event.containerId());
        }
    }

    private void start(String containerId, long eventNano) {
        Optional<ContainerFacts> facts = docker.inspect(containerId);
        if (facts.isEmpty() || !facts.get().running()) {
            LOG.debugf("%s started but is gone or stopped already", containerId);
            return;
        }
        Hold hold = holds.get(containerId);
        if (hold != null && (hold.stopping() ? hold.atNano() < eventNano : !facts.get().unhealthy())) {
            holds.remove(containerId, hold); // a stop signal from before this start, or healthy again
        }
        if (facts.get().unhealthy()) {
            holds.putIfAbsent(containerId, unhealthyHold(facts.get().name()));
        }
        register(facts.get(), true);
        if (eventNano > 0 && registered.containsKey(containerId)) {
            long nowNano = Instant.now().getEpochSecond() * 1_000_000_000L + Instant.now().getNano();
            long latency = nowNano - eventNano;
            if (latency >= 0 && latency < TimeUnit.HOURS.toNanos(1)) {
                startLatency.record(Duration.ofNanos(latency));
            }
        }
    }

    /**
     * Registers the container's services (again: Consul replaces by id). Announces those new to this process;
     * deregisters the ones a changed container no longer offers.
     */
    private void register(ContainerFacts container, boolean fromEvent) {
        NamingRules.Offer offer = settings.rules().offer(container);
        offer.refused().forEach(why -> LOG.warnf("not registered: %s (%s) %s", container.shortId(),
                NamingRules.quote(container.name()), why));
        List<ServiceRegistration> services = offer.services();
        Map<String, Throwable> failed = new HashMap<>();
        for (ServiceRegistration service : services) {
            try {
                consul.register(service);
            } catch (RuntimeException e) {
                failed.put(service.id(), e);
            }
        }
        record(container, services, failed);
        publishSnapshot();
        settleMaintenance(container.id());
        if (services.isEmpty() && fromEvent) {
            LOG.debugf("ignored: %s offers no service", container.shortId());
        }
    }

    /**
     * A stop signal or a health change (drain thread). A stop signal puts a stopping hold on the container; unhealthy
     * puts an unhealthy one (a stopping hold stays); healthy lifts an unhealthy hold.
     */
    private void drainEvent(ContainerEvent event) {
        String id = event.containerId();
        String name = event.attributes().getOrDefault("name", id);
        if ("kill".equals(event.action())) {
            String signal = event.attributes().get("signal");
            if (!settings.config().drainOnStop() || !settings.stopSignals().stops(signal)) {
                LOG.debugf("signal %s to %s: not a stop signal", signal, name);
                return;
            }
            holds.put(id, new Hold(true, "Quayside registrator: container " + name + " got its stop signal ("
                    + signal + "); draining before it stops", event.timeNano()));
            int drained = applyHolds(id);
            if (drained > 0) {
                LOG.infof("draining: %s got signal %s, %d service(s) in maintenance", name, signal, drained);
                recordSince(drainLatency, event.timeNano());
            }
            return;
        }
        String status = event.action().substring(event.action().indexOf(':') + 1).trim();
        if (!settings.config().drainOnStop()) {
            return;
        }
        if (ContainerFacts.UNHEALTHY.equals(status)) {
            holds.putIfAbsent(id, unhealthyHold(name));
            int held = applyHolds(id);
            LOG.infof("unhealthy: %s, %d service(s) in maintenance", name, held);
        } else if ("healthy".equals(status)) {
            Hold hold = holds.get(id);
            if (hold != null && !hold.stopping() && holds.remove(id, hold)) {
                LOG.infof("healthy again: %s, back in rotation", name);
                settleMaintenance(id);
            }
        }
    }

    private static Hold unhealthyHold(String containerName) {
        return new Hold(false, "Quayside registrator: the Docker health check of container " + containerName
                + " is unhealthy", 0);
    }

    /** Puts the registered services of a held container into maintenance, unless they are already; returns how many. */
    private int applyHolds(String containerId) {
        Hold hold = holds.get(containerId);
        if (hold == null) {
            return 0;
        }
        int applied = 0;
        for (ServiceRegistration service : snapshot.values()) {
            if (service.container().id().equals(containerId) && maintained.add(service.id())) {
                try {
                    consul.maintenance(service.id(), true, hold.reason());
                    applied++;
                } catch (RuntimeException e) {
                    maintained.remove(service.id());
                    failures.increment();
                    LOG.warnf("maintenance of %s failed: %s", service.id(), e.getMessage());
                }
            }
        }
        return applied;
    }

    /**
     * After (re-)registering a container's services (worker): a held container's services go (again) into
     * maintenance, whatever the agent kept of it; the others leave a maintenance they were put in.
     */
    private void settleMaintenance(String containerId) {
        List<ServiceRegistration> services = registered.getOrDefault(containerId, List.of());
        if (holds.containsKey(containerId)) {
            services.forEach(s -> maintained.remove(s.id()));
            applyHolds(containerId);
            return;
        }
        for (ServiceRegistration service : services) {
            if (maintained.remove(service.id())) {
                try {
                    consul.maintenance(service.id(), false, null);
                } catch (RuntimeException e) {
                    maintained.add(service.id());
                    failures.increment();
                    LOG.warnf("ending the maintenance of %s failed: %s", service.id(), e.getMessage());
                }
            }
        }
    }

    private static void recordSince(Timer timer, long eventNano) {
        if (eventNano > 0) {
            Instant now = Instant.now();
            long latency = now.getEpochSecond() * 1_000_000_000L + now.getNano() - eventNano;
            if (latency >= 0 && latency < TimeUnit.HOURS.toNanos(1)) {
                timer.record(Duration.ofNanos(latency));
            }
        }
    }

    /** Book-keeping after registering {@code services}: state, events, services the container no longer offers. */
    private void record(ContainerFacts container, List<ServiceRegistration> services, Map<String, Throwable> failed) {
        List<ServiceRegistration> before = registered.getOrDefault(container.id(), List.of());
        List<ServiceRegistration> kept = retained.remove(container.id());
        Set<String> known = new HashSet<>();
        before.forEach(s -> known.add(s.id()));
        if (kept != null) {
            kept.forEach(s -> known.add(s.id()));
        }
        List<ServiceRegistration> done = new ArrayList<>();
        for (ServiceRegistration service : services) {
            Throwable failure = failed.get(service.id());
            if (failure != null) {
                failures.increment();
                LOG.warnf("register failed: %s %s: %s (retried at the next sync)", container.shortId(),
                        service.id(), failure.getMessage());
                continue;
            }
            registrations.increment();
            done.add(service);
            if (!known.contains(service.id()) || !sameContainer(before, service)) {
                LOG.infof("added: %s %s", container.shortId(), service.id());
                events.started(container(service), settings.source(), Instant.now());
            }
        }
        Set<String> now = new HashSet<>();
        services.forEach(s -> now.add(s.id()));
        List<ServiceRegistration> gone = new ArrayList<>(before);
        if (kept != null) {
            gone.addAll(kept);
        }
        gone.removeIf(s -> now.contains(s.id()));
        for (ServiceRegistration service : gone) {
            deregister(service, null);
        }
        if (done.isEmpty()) {
            registered.remove(container.id());
        } else {
            registered.put(container.id(), done);
        }
    }

    private static boolean sameContainer(List<ServiceRegistration> before, ServiceRegistration service) {
        return before.stream().anyMatch(s -> s.id().equals(service.id()));
    }

    private void died(String containerId) {
        if (!registered.containsKey(containerId)) {
            return;
        }
        Optional<ContainerFacts> facts = docker.inspect(containerId);
        if (facts.isPresent() && facts.get().running()) {
            LOG.debugf("not removing %s: running again", containerId);
            return;
        }
        Integer exit = facts.map(ContainerFacts::exitCode).orElse(null);
        if (!shouldRemove(facts)) {
            LOG.infof("keeping %s registered: exit code %s and deregister=on-success", containerId, exit);
            retained.put(containerId, registered.remove(containerId));
            return;
        }
        remove(containerId, exit, "died");
    }

    private boolean shouldRemove(Optional<ContainerFacts> facts) {
        if (settings.deregister() == RegistratorSettings.DeregisterMode.ALWAYS || facts.isEmpty()) {
            return true;
        }
        Integer exit = facts.get().exitCode();
        return exit == null || exit == 0 || (exit & SIGNALED) == SIGNALED;
    }

    private void remove(String containerId, Integer exitCode, String why) {
        List<ServiceRegistration> services = new ArrayList<>(registered.getOrDefault(containerId, List.of()));
        services.addAll(retained.getOrDefault(containerId, List.of()));
        List<ServiceRegistration> failed = new ArrayList<>();
        for (ServiceRegistration service : services) {
            if (!deregister(service, exitCode)) {
                failed.add(service);
            }
        }
        registered.remove(containerId);
        retained.remove(containerId);
        if (!services.isEmpty()) {
            LOG.infof("removed (%s): %s", why, containerId.length() > 12 ? containerId.substring(0, 12) : containerId);
        }
        if (!failed.isEmpty()) {
            LOG.warnf("deregistration of %d services failed; the next sync's cleanup retries", failed.size());
        }
    }

    private boolean deregister(ServiceRegistration service, Integer exitCode) {
        try {
            consul.deregister(service.id());
            maintained.remove(service.id());
            deregistrations.increment();
            events.stopped(container(service), exitCode, settings.source(), Instant.now());
            return true;
        } catch (RuntimeException e) {
            failures.increment();
            LOG.warnf("deregister failed: %s: %s", service.id(), e.getMessage());
            return false;
        }
    }

    /**
     * A full pass: register every running container's services, forget the containers that no longer run and, when
     * {@code cleanup} is on, deregister this host's ids in the agent that match no running container.
     */
    void sync(String reason) {
        long start = System.nanoTime();
        List<String> running = docker.runningContainerIds();
        long listed = System.nanoTime();
        Map<String, ContainerFacts> facts = docker.inspectAll(running, CONCURRENCY);
        long inspected = System.nanoTime();
        facts.values().removeIf(f -> !f.running());
        Set<String> alive = new HashSet<>(facts.keySet());
        holds.keySet().removeIf(id -> !alive.contains(id));
        Map<String, List<ServiceRegistration>> services = new LinkedHashMap<>();
        List<ServiceRegistration> all = new ArrayList<>();
        for (String id : running) {
            ContainerFacts container = facts.get(id);
            Hold hold = holds.get(id);
            if (container != null && container.unhealthy()) {
                holds.putIfAbsent(id, unhealthyHold(container.name()));
            } else if (container != null && hold != null && !hold.stopping()) {
                holds.remove(id, hold);
            }
            if (container != null && hold != null && hold.stopping() && registered.containsKey(id)) {
                continue; // draining: left as it is until it dies
            }
            if (container != null) {
                List<ServiceRegistration> offered = settings.rules().services(container);
                services.put(id, offered);
                all.addAll(offered);
            }
        }
        Map<String, Throwable> failed = consul.registerAll(all, CONCURRENCY);
        long registeredAt = System.nanoTime();
        services.forEach((id, offered) -> record(facts.get(id), offered, failed));
        publishSnapshot();
        services.keySet().forEach(this::settleMaintenance);
        for (String id : new ArrayList<>(registered.keySet())) {
            if (!alive.contains(id)) {
                died(id);
                if (registered.containsKey(id)) {
                    remove(id, null, "gone");
                }
            }
        }
        int dangling = settings.config().cleanup() ? cleanup() : 0;
        lastSync = Instant.now();
        syncTimer.record(Duration.ofNanos(System.nanoTime() - start));
        LOG.infof("sync (%s): %d running containers, %d services registered, %d dangling removed in %d ms "
                + "(list %d, inspect %d, register %d)", reason, running.size(),
                registered.values().stream().mapToInt(List::size).sum(), dangling,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                TimeUnit.NANOSECONDS.toMillis(listed - start), TimeUnit.NANOSECONDS.toMillis(inspected - listed),
                TimeUnit.NANOSECONDS.toMillis(registeredAt - inspected));
    }

    private int cleanup() {
        Set<String> wanted = new HashSet<>();
        registered.values().forEach(list -> list.forEach(s -> wanted.add(s.id())));
        retained.values().forEach(list -> list.forEach(s -> wanted.add(s.id())));
        int removed = 0;
        for (ConsulClient.AgentService service : consul.services()) {
            if (wanted.contains(service.id()) || !settings.rules().isOwnServiceId(service.id())) {
                continue;
            }
            try {
                consul.deregister(service.id());
                deregistrations.increment();
                removed++;
                LOG.infof("dangling: %s removed", service.id());
                events.stopped(container(service), null, settings.source(), Instant.now());
            } catch (RuntimeException e) {
                failures.increment();
                LOG.warnf("deregister of dangling %s failed: %s", service.id(), e.getMessage());
            }
        }
        return removed;
    }

    private Container container(ServiceRegistration service) {
        ContainerFacts c = service.container();
        return new Container(service.id(), service.name(), settings.hostname(), c.id(), c.name(), c.image(),
                service.address(), service.port(), service.tags(), service.meta(),
                blankToNull(c.envValue("MARATHON_APP_ID")), blankToNull(c.envValue("MESOS_TASK_ID")),
                NamingRules.revision(c));
    }

    private Container container(ConsulClient.AgentService service) {
        Map<String, String> meta = service.meta();
        String[] parts = service.id().split(":");
        String containerName = parts.length >= 3 ? parts[parts.length - (service.id().endsWith(":udp") ? 3 : 2)]
                : null;
        return new Container(service.id(), service.name(), settings.hostname(), null, containerName, null,
                service.address(), service.port(), service.tags(), meta,
                meta.get(NamingRules.META_MARATHON_APP_ID), meta.get(NamingRules.META_MESOS_TASK_ID), null);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private void publishSnapshot() {
        Map<String, ServiceRegistration> map = new HashMap<>();
        registered.values().forEach(list -> list.forEach(s -> map.put(s.id(), s)));
        retained.values().forEach(list -> list.forEach(s -> map.put(s.id(), s)));
        snapshot = Map.copyOf(map);
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
        drainer.shutdownNow();
    }
}
