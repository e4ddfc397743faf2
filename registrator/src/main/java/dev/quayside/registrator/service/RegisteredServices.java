package dev.quayside.registrator.service;

import dev.quayside.events.Container;
import dev.quayside.registrator.client.ConsulClient;
import dev.quayside.registrator.messaging.ContainerEventsEmitter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * What this host has registered in Consul, by container, and the effects of changing it: registers and deregisters in
 * the agent, announces each service that comes or goes ({@code ContainerStarted}, {@code ContainerStopped}) and
 * counts it. Its maps are touched on the reconciler thread only; {@link #snapshot()} may be read from any thread.
 */
final class RegisteredServices {

    private static final Logger LOG = Logger.getLogger(Registrar.class);

    private final ConsulClient consul;
    private final ContainerEventsEmitter events;
    private final RegistratorSettings settings;
    private final DrainHolds drain;
    private final Counter registrations;
    private final Counter deregistrations;
    private final Counter failures;

    /** What is registered, by container id. */
    private final Map<String, List<ServiceRegistration>> registered = new LinkedHashMap<>();
    /** Services of dead containers kept registered ({@code deregister=on-success} and a failed exit). */
    private final Map<String, List<ServiceRegistration>> retained = new LinkedHashMap<>();
    private volatile Map<String, ServiceRegistration> snapshot = Map.of();

    RegisteredServices(ConsulClient consul, ContainerEventsEmitter events, RegistratorSettings settings,
            DrainHolds drain, MeterRegistry meters) {
        this.consul = consul;
        this.events = events;
        this.settings = settings;
        this.drain = drain;
        this.registrations = meters.counter("quayside.registrator.registrations");
        this.deregistrations = meters.counter("quayside.registrator.deregistrations");
        this.failures = meters.counter("quayside.registrator.failures");
    }

    /** The registrations, registered and retained, by service id, as last {@linkplain #publishSnapshot published}. */
    Map<String, ServiceRegistration> snapshot() {
        return snapshot;
    }

    /** Whether services of the container are registered (retained ones not counted). */
    boolean has(String containerId) {
        return registered.containsKey(containerId);
    }

    /** The containers with registered services. */
    List<String> containerIds() {
        return new ArrayList<>(registered.keySet());
    }

    /** How many services are registered (retained ones not counted). */
    int serviceCount() {
        return registered.values().stream().mapToInt(List::size).sum();
    }

    /** Registers {@code services} one by one; returns the failures by service id. */
    Map<String, Throwable> registerEach(List<ServiceRegistration> services) {
        Map<String, Throwable> failed = new HashMap<>();
        for (ServiceRegistration service : services) {
            try {
                consul.register(service);
            } catch (RuntimeException e) {
                failed.put(service.id(), e);
            }
        }
        return failed;
    }

    /** Registers {@code services}, {@code concurrency} at a time; returns the failures by service id. */
    Map<String, Throwable> registerAll(List<ServiceRegistration> services, int concurrency) {
        return consul.registerAll(services, concurrency);
    }

    /** Book-keeping after registering {@code services}: state, events, services the container no longer offers. */
    void record(ContainerFacts container, List<ServiceRegistration> services, Map<String, Throwable> failed) {
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

    /** Keeps the services of a dead container registered until it is removed or starts again. */
    void retain(String containerId) {
        retained.put(containerId, registered.remove(containerId));
    }

    /** Deregisters the services of the container, registered and retained, and forgets them. */
    void remove(String containerId, Integer exitCode, String why) {
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
            drain.deregistered(service.id());
            deregistrations.increment();
            events.stopped(container(service), exitCode, settings.source(), Instant.now());
            return true;
        } catch (RuntimeException e) {
            failures.increment();
            LOG.warnf("deregister failed: %s: %s", service.id(), e.getMessage());
            return false;
        }
    }

    /** Deregisters this host's ids in the agent that match no registered or retained service; returns how many. */
    int cleanup() {
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

    /** Publishes the current registrations for {@link #snapshot()}. */
    void publishSnapshot() {
        Map<String, ServiceRegistration> map = new HashMap<>();
        registered.values().forEach(list -> list.forEach(s -> map.put(s.id(), s)));
        retained.values().forEach(list -> list.forEach(s -> map.put(s.id(), s)));
        snapshot = Map.copyOf(map);
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
}
