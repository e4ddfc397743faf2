package dev.quayside.registrator.service;

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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Keeps this host's part of the Consul catalog equal to its running containers: decides, for each Docker event and in
 * each full pass, which containers' services are registered, kept or removed. Every change runs on one thread, in
 * the order the engine reported it: {@link #handle} for one event, {@link #sync} for a full pass (list, register,
 * deregister what is gone, clean up this host's dangling ids). {@link RegisteredServices} holds what is registered
 * and carries the changes out.
 * <p>
 * Drain before kill ({@link DrainHolds}) runs on a thread of its own so that a long sync never delays it. Holds and
 * registrations are each published before the other thread is consulted, so whichever comes second applies the
 * maintenance.
 */
@ApplicationScoped
public class Registrar {

    private static final Logger LOG = Logger.getLogger(Registrar.class);
    /** Bit set on an exit code when the process ended by a signal. */
    private static final int SIGNALED = 128;
    /** Concurrent Docker inspections and Consul registrations during a full sync. */
    private static final int CONCURRENCY = 8;

    private final DockerEngineClient docker;
    private final RegistratorSettings settings;
    private final DrainHolds drain;
    private final RegisteredServices services;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(daemon("registrator-reconciler"));
    private final ExecutorService drainer = Executors.newSingleThreadExecutor(daemon("registrator-drain"));

    private volatile Instant lastSync;

    private final Counter failures;
    private final Timer startLatency;
    private final Timer syncTimer;

    Registrar(DockerEngineClient docker, ConsulClient consul, ContainerEventsEmitter events,
            RegistratorSettings settings, MeterRegistry meters) {
        this.docker = docker;
        this.settings = settings;
        this.drain = new DrainHolds(consul, settings, meters);
        this.services = new RegisteredServices(consul, events, settings, drain, meters);
        this.failures = meters.counter("quayside.registrator.failures");
        this.startLatency = Timer.builder("quayside.registrator.start.latency")
                .description("Docker start event to the service registered in Consul")
                .publishPercentiles(0.5, 0.95).register(meters);
        this.syncTimer = Timer.builder("quayside.registrator.sync").register(meters);
        meters.gauge("quayside.registrator.services", this, r -> r.services.snapshot().size());
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
        if (DrainHolds.isDrainEvent(event)) {
            return CompletableFuture.runAsync(() -> {
                try {
                    drain.onEvent(event, services.snapshot().values());
                } catch (RuntimeException e) {
                    failures.increment();
                    LOG.errorf("%s failed; the next sync repairs it: %s", event, e.toString());
                }
            }, drainer);
        }
        return CompletableFuture.runAsync(() -> guarded(() -> handle(event), "event " + event), worker);
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
                services.publishSnapshot();
            }
        }, worker);
    }

    /** The registrations made, by service id. */
    public Map<String, ServiceRegistration> registrations() {
        return services.snapshot();
    }

    /** Why a container's services are held in maintenance (a stop signal, an unhealthy Docker health check), or null. */
    public String maintenanceReason(String containerId) {
        return drain.reason(containerId);
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
            services.publishSnapshot();
        }
    }

    void handle(ContainerEvent event) {
        switch (event.action()) {
            case "start":
                start(event.containerId(), event.timeNano());
                break;
            case "die":
            case "stop":
                drain.release(event.containerId());
                died(event.containerId());
                break;
            case "destroy":
                drain.release(event.containerId());
                services.remove(event.containerId(), null, "destroyed");
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
        drain.started(facts.get(), eventNano); // a stop signal from before this start, or healthy again
        register(facts.get(), true);
        if (eventNano > 0 && services.has(containerId)) {
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
        List<ServiceRegistration> offered = offer.services();
        Map<String, Throwable> failed = services.registerEach(offered);
        services.record(container, offered, failed);
        services.publishSnapshot();
        drain.settle(container.id(), services.snapshot().values());
        if (offered.isEmpty() && fromEvent) {
            LOG.debugf("ignored: %s offers no service", container.shortId());
        }
    }

    private void died(String containerId) {
        if (!services.has(containerId)) {
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
            services.retain(containerId);
            return;
        }
        services.remove(containerId, exit, "died");
    }

    private boolean shouldRemove(Optional<ContainerFacts> facts) {
        if (settings.deregister() == RegistratorSettings.DeregisterMode.ALWAYS || facts.isEmpty()) {
            return true;
        }
        Integer exit = facts.get().exitCode();
        return exit == null || exit == 0 || (exit & SIGNALED) == SIGNALED;
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
        drain.retainOnly(alive);
        Map<String, List<ServiceRegistration>> offers = new LinkedHashMap<>();
        List<ServiceRegistration> all = new ArrayList<>();
        for (String id : running) {
            ContainerFacts container = facts.get(id);
            if (container == null) {
                continue;
            }
            boolean draining = drain.draining(id);
            drain.observed(container);
            if (draining && services.has(id)) {
                continue; // draining: left as it is until it dies
            }
            List<ServiceRegistration> offered = settings.rules().services(container);
            offers.put(id, offered);
            all.addAll(offered);
        }
        Map<String, Throwable> failed = services.registerAll(all, CONCURRENCY);
        long registeredAt = System.nanoTime();
        offers.forEach((id, offered) -> services.record(facts.get(id), offered, failed));
        services.publishSnapshot();
        offers.keySet().forEach(id -> drain.settle(id, services.snapshot().values()));
        for (String id : services.containerIds()) {
            if (!alive.contains(id)) {
                died(id);
                if (services.has(id)) {
                    services.remove(id, null, "gone");
                }
            }
        }
        int dangling = settings.config().cleanup() ? services.cleanup() : 0;
        lastSync = Instant.now();
        syncTimer.record(Duration.ofNanos(System.nanoTime() - start));
        LOG.infof("sync (%s): %d running containers, %d services registered, %d dangling removed in %d ms "
                + "(list %d, inspect %d, register %d)", reason, running.size(), services.serviceCount(), dangling,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                TimeUnit.NANOSECONDS.toMillis(listed - start), TimeUnit.NANOSECONDS.toMillis(inspected - listed),
                TimeUnit.NANOSECONDS.toMillis(registeredAt - inspected));
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
        drainer.shutdownNow();
    }
}
