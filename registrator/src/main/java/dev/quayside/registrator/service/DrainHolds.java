package dev.quayside.registrator.service;

import dev.quayside.registrator.client.ConsulClient;
import dev.quayside.registrator.client.DockerEngineClient.ContainerEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Drain before kill: a container's stop signal ({@code kill} event) or a Docker health check turning
 * {@code unhealthy} puts a <em>hold</em> on the container, and its registered services go into Consul maintenance at
 * once; a hold is re-applied after every (re-)registration ({@link #settle}) and lifted when the container is healthy
 * again or starts anew. Used from both the drain thread and the reconciler thread, hence its concurrent state.
 */
final class DrainHolds {

    private static final Logger LOG = Logger.getLogger(Registrar.class);

    /** Why a container's services are held in maintenance, since when (the engine's event time; 0: unknown). */
    record Hold(boolean stopping, String reason, long atNano) {
    }

    private final ConsulClient consul;
    private final RegistratorSettings settings;
    private final Counter failures;
    private final Timer drainLatency;
    /** Containers whose services must be in maintenance, by container id (both threads). */
    private final Map<String, Hold> holds = new ConcurrentHashMap<>();
    /** Service ids put into maintenance and not taken out since (both threads). */
    private final Set<String> maintained = ConcurrentHashMap.newKeySet();

    DrainHolds(ConsulClient consul, RegistratorSettings settings, MeterRegistry meters) {
        this.consul = consul;
        this.settings = settings;
        this.failures = meters.counter("quayside.registrator.failures");
        this.drainLatency = Timer.builder("quayside.registrator.drain.latency")
                .description("Docker stop signal (kill event) to the container's services in Consul maintenance")
                .publishPercentiles(0.5, 0.95).register(meters);
    }

    /** Whether {@code event} is one for the drain thread: a signal or a health change. */
    static boolean isDrainEvent(ContainerEvent event) {
        return "kill".equals(event.action()) || event.action() != null && event.action().startsWith("health_status");
    }

    /**
     * A stop signal or a health change (drain thread). A stop signal puts a stopping hold on the container; unhealthy
     * puts an unhealthy one (a stopping hold stays); healthy lifts an unhealthy hold. {@code registered} are the
     * services registered now, of every container.
     */
    void onEvent(ContainerEvent event, Collection<ServiceRegistration> registered) {
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
            int drained = apply(id, registered);
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
            int held = apply(id, registered);
            LOG.infof("unhealthy: %s, %d service(s) in maintenance", name, held);
        } else if ("healthy".equals(status)) {
            Hold hold = holds.get(id);
            if (hold != null && !hold.stopping() && holds.remove(id, hold)) {
                LOG.infof("healthy again: %s, back in rotation", name);
                settle(id, registered);
            }
        }
    }

    /** Why a container's services are held in maintenance, or null. */
    String reason(String containerId) {
        Hold hold = holds.get(containerId);
        return hold == null ? null : hold.reason();
    }

    /** Whether the container got its stop signal and is draining until it dies. */
    boolean draining(String containerId) {
        Hold hold = holds.get(containerId);
        return hold != null && hold.stopping();
    }

    /** The container started at {@code eventNano}: a stop signal from before the start no longer holds it. */
    void started(ContainerFacts container, long eventNano) {
        Hold hold = holds.get(container.id());
        if (hold != null && hold.stopping() && hold.atNano() < eventNano) {
            holds.remove(container.id(), hold);
        }
        observed(container);
    }

    /** The container's health as Docker reports it now: unhealthy holds it, healthy lifts an unhealthy hold. */
    void observed(ContainerFacts container) {
        if (container.unhealthy()) {
            holds.putIfAbsent(container.id(), unhealthyHold(container.name()));
            return;
        }
        Hold hold = holds.get(container.id());
        if (hold != null && !hold.stopping()) {
            holds.remove(container.id(), hold);
        }
    }

    /** The container died or is gone: its hold ends. */
    void release(String containerId) {
        holds.remove(containerId);
    }

    /** Forgets the holds of every container not in {@code alive}. */
    void retainOnly(Set<String> alive) {
        holds.keySet().removeIf(id -> !alive.contains(id));
    }

    /** The service was deregistered: it is no longer in maintenance. */
    void deregistered(String serviceId) {
        maintained.remove(serviceId);
    }

    /**
     * After (re-)registering a container's services (worker): a held container's services go (again) into
     * maintenance, whatever the agent kept of it; the others leave a maintenance they were put in.
     */
    void settle(String containerId, Collection<ServiceRegistration> registered) {
        List<ServiceRegistration> services = registered.stream()
                .filter(s -> s.container().id().equals(containerId)).toList();
        if (holds.containsKey(containerId)) {
            services.forEach(s -> maintained.remove(s.id()));
            apply(containerId, registered);
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

    /** Puts the registered services of a held container into maintenance, unless they are already; returns how many. */
    private int apply(String containerId, Collection<ServiceRegistration> registered) {
        Hold hold = holds.get(containerId);
        if (hold == null) {
            return 0;
        }
        int applied = 0;
        for (ServiceRegistration service : registered) {
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

    private static Hold unhealthyHold(String containerName) {
        return new Hold(false, "Quayside registrator: the Docker health check of container " + containerName
                + " is unhealthy", 0);
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
}
