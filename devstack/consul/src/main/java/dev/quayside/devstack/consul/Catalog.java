package dev.quayside.devstack.consul;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The single node's services and checks, which on a one-node cluster are both the agent's local state and the
 * catalog. Indexes follow Consul: a per-service index (bumped by instance and check changes), the services table index
 * and the nodes index. Not thread-safe: {@link ConsulState} holds its lock around every call.
 */
final class Catalog {

    static final String DATACENTER = "dc1";
    static final String CONSUL_SERVICE = "consul";
    /** The index at which the node and the consul service exist. */
    static final long INITIAL_INDEX = 2;

    final String nodeName;
    final String nodeId;
    private final TreeMap<String, ServiceInstance> services = new TreeMap<>();
    private final TreeMap<String, HealthCheck> checks = new TreeMap<>();
    private final Map<String, Long> serviceIndexes = new HashMap<>();
    private long servicesIndex;
    private long nodesIndex;
    private final ServiceInstance consulService = new ServiceInstance();
    private final HealthCheck serfHealth = new HealthCheck();

    Catalog(String nodeName, String nodeId) {
        this.nodeName = nodeName;
        this.nodeId = nodeId;
        nodesIndex = 1;
        servicesIndex = 2;
        consulService.id = CONSUL_SERVICE;
        consulService.name = CONSUL_SERVICE;
        consulService.port = 8300;
        consulService.createIndex = 2;
        consulService.modifyIndex = 2;
        serfHealth.checkId = "serfHealth";
        serfHealth.name = "Serf Health Status";
        serfHealth.status = HealthCheck.PASSING;
        serfHealth.output = "Agent alive and reachable";
        serfHealth.createIndex = 1;
        serfHealth.modifyIndex = 1;
        serviceIndexes.put(CONSUL_SERVICE, 2L);
    }

    // ---- agent view (what was registered through this agent) ----

    ServiceInstance service(String id) {
        return services.get(id);
    }

    HealthCheck check(String id) {
        return checks.get(id);
    }

    Collection<ServiceInstance> services() {
        return services.values();
    }

    Collection<HealthCheck> checks() {
        return checks.values();
    }

    JsonObject agentServices() {
        JsonObject out = new JsonObject();
        services.forEach((id, s) -> out.put(id, s.agentJson(DATACENTER)));
        return out;
    }

    JsonObject agentChecks() {
        JsonObject out = new JsonObject();
        checks.forEach((id, c) -> out.put(id, c.toJson(nodeName)));
        return out;
    }

    // ---- writes ----

    /**
     * Adds or replaces a service and its checks. Checks of the service missing from the new definition stay, unless
     * {@code replaceExistingChecks} ({@code ?replace-existing-checks}) asks to delete them.
     */
    Change register(long index, ServiceInstance service, List<HealthCheck> serviceChecks,
            boolean replaceExistingChecks) {
        ServiceInstance previous = services.get(service.id);
        if (service.sameAs(previous) && sameChecks(service.id, serviceChecks, replaceExistingChecks)) {
            // an unchanged re-registration (registrator's resync): nothing to write, no blocking query wakes
            return null;
        }
        Set<String> touched = new HashSet<>();
        touched.add(service.name);
        boolean listChanged = previous == null || !previous.name.equals(service.name)
                || !previous.tags.equals(service.tags);
        if (previous != null) {
            touched.add(previous.name);
            service.createIndex = previous.createIndex;
        } else {
            service.createIndex = index;
        }
        service.modifyIndex = index;
        services.put(service.id, service);
        Set<String> keep = new HashSet<>();
        for (HealthCheck check : serviceChecks) {
            keep.add(check.checkId);
            putCheck(index, check);
        }
        if (replaceExistingChecks) {
            checks.values().removeIf(c -> c.serviceId.equals(service.id) && !keep.contains(c.checkId));
        }
        for (HealthCheck check : checks.values()) {
            if (check.serviceId.equals(service.id)) {
                check.serviceName = service.name;
                check.serviceTags = service.tags;
            }
        }
        return bump(index, touched, listChanged);
    }

    private boolean sameChecks(String serviceId, List<HealthCheck> wanted, boolean replaceExistingChecks) {
        long existing = checks.values().stream().filter(c -> c.serviceId.equals(serviceId)).count();
        if (replaceExistingChecks && existing != wanted.size()) {
            return false;
        }
        for (HealthCheck check : wanted) {
            HealthCheck current = checks.get(check.checkId);
            if (current == null || !current.serviceId.equals(serviceId) || !current.sameDefinition(check)
                    || !current.name.equals(check.name) || check.statusGivenAtRegistration != null
                    && !check.statusGivenAtRegistration.equals(current.status)) {
                return false;
            }
        }
        return true;
    }

    /** Removes a service and its checks; null when there is no such service. */
    Change deregister(long index, String id) {
        ServiceInstance removed = services.remove(id);
        if (removed == null) {
            return null;
        }
        checks.values().removeIf(c -> c.serviceId.equals(id));
        if (services.values().stream().noneMatch(s -> s.name.equals(removed.name))) {
            serviceIndexes.remove(removed.name);
        }
        return bump(index, Set.of(removed.name), true);
    }

    Change registerCheck(long index, HealthCheck check) {
        putCheck(index, check);
        return bump(index, check.serviceName.isEmpty() ? Set.of() : Set.of(check.serviceName), false);
    }

    Change deregisterCheck(long index, String id) {
        HealthCheck removed = checks.remove(id);
        if (removed == null) {
            return null;
        }
        return bump(index, removed.serviceName.isEmpty() ? Set.of() : Set.of(removed.serviceName), false);
    }

    /** Sets a check's status and output; only a status change is a catalog write (Consul defers output-only syncs). */
    Change updateCheck(long index, String id, String status, String output) {
        HealthCheck check = checks.get(id);
        if (check == null) {
            return null;
        }
        check.output = output == null ? "" : output;
        if (check.status.equals(status)) {
            return null;
        }
        check.status = status;
        check.modifyIndex = index;
        return bump(index, check.serviceName.isEmpty() ? Set.of() : Set.of(check.serviceName), false);
    }

    private void putCheck(long index, HealthCheck check) {
        HealthCheck previous = checks.get(check.checkId);
        if (previous != null) {
            check.createIndex = previous.createIndex;
            if (previous.sameDefinition(check) && check.statusGivenAtRegistration == null) {
                check.status = previous.status;
                check.output = previous.output;
                check.ttlDeadlineMillis = previous.ttlDeadlineMillis;
                check.criticalSinceMillis = previous.criticalSinceMillis;
            }
        } else {
            check.createIndex = index;
        }
        check.modifyIndex = index;
        checks.put(check.checkId, check);
    }

    private Change bump(long index, Set<String> names, boolean listChanged) {
        for (String name : names) {
            serviceIndexes.put(name, index);
        }
        if (listChanged) {
            servicesIndex = index;
        }
        return Change.catalog(index, names, listChanged);
    }

    // ---- catalog and health reads ----

    long servicesIndex() {
        return Math.max(servicesIndex, nodesIndex);
    }

    /** Consul's {@code maxIndexForService}: the service's own index, or the tables' when it does not exist. */
    long serviceIndex(String name) {
        Long index = serviceIndexes.get(name);
        return index != null ? index : Math.max(servicesIndex, nodesIndex);
    }

    JsonObject catalogServices() {
        TreeMap<String, LinkedHashSet<String>> byName = new TreeMap<>();
        byName.put(CONSUL_SERVICE, new LinkedHashSet<>());
        for (ServiceInstance s : services.values()) {
            byName.computeIfAbsent(s.name, n -> new LinkedHashSet<>()).addAll(s.tags);
        }
        JsonObject out = new JsonObject();
        byName.forEach((name, tags) -> out.put(name, new JsonArray(new ArrayList<>(tags))));
        return out;
    }

    List<ServiceInstance> instances(String name, List<String> tags) {
        List<ServiceInstance> out = new ArrayList<>();
        if (name.equals(CONSUL_SERVICE)) {
            out.add(consulService);
        }
        for (ServiceInstance s : services.values()) {
            if (s.name.equals(name) && s.hasTags(tags)) {
                out.add(s);
            }
        }
        return out;
    }

    JsonArray catalogService(String name, List<String> tags) {
        JsonArray out = new JsonArray();
        for (ServiceInstance s : instances(name, tags)) {
            JsonObject json = new JsonObject()
                    .put("ID", nodeId)
                    .put("Node", nodeName)
                    .put("Address", "127.0.0.1")
                    .put("Datacenter", DATACENTER)
                    .put("TaggedAddresses", nodeTaggedAddresses())
                    .put("NodeMeta", nodeMeta())
                    .put("ServiceKind", "")
                    .put("ServiceID", s.id)
                    .put("ServiceName", s.name)
                    .put("ServiceTags", s.tagsJson())
                    .put("ServiceAddress", s.address)
                    .put("ServiceWeights", s.weightsJson())
                    .put("ServiceMeta", s.metaJson())
                    .put("ServicePort", s.port)
                    .put("ServiceSocketPath", "")
                    .put("ServiceEnableTagOverride", s.enableTagOverride)
                    .put("ServiceProxy", new JsonObject().put("Mode", "").put("MeshGateway", new JsonObject())
                            .put("Expose", new JsonObject()))
                    .put("ServiceConnect", new JsonObject())
                    .put("CreateIndex", s.createIndex)
                    .put("ModifyIndex", s.modifyIndex);
            if (!s.address.isEmpty()) {
                json.put("ServiceTaggedAddresses", s.taggedAddresses());
            }
            out.add(json);
        }
        return out;
    }

    List<HealthCheck> checksOf(ServiceInstance s) {
        List<HealthCheck> out = new ArrayList<>();
        out.add(serfHealth);
        for (HealthCheck check : checks.values()) {
            if (check.serviceId.equals(s.id) || check.serviceId.isEmpty()) {
                out.add(check);
            }
        }
        return out;
    }

    JsonArray healthService(String name, List<String> tags, boolean passingOnly) {
        JsonArray out = new JsonArray();
        for (ServiceInstance s : instances(name, tags)) {
            List<HealthCheck> instanceChecks = checksOf(s);
            if (passingOnly && instanceChecks.stream().anyMatch(c -> !c.status.equals(HealthCheck.PASSING))) {
                continue;
            }
            JsonArray checkJson = new JsonArray();
            instanceChecks.forEach(c -> checkJson.add(c.toJson(nodeName)));
            out.add(new JsonObject().put("Node", nodeJson()).put("Service", s.healthJson()).put("Checks", checkJson));
        }
        return out;
    }

    JsonArray healthChecks(String name) {
        JsonArray out = new JsonArray();
        for (HealthCheck check : checks.values()) {
            if (check.serviceName.equals(name)) {
                out.add(check.toJson(nodeName));
            }
        }
        return out;
    }

    long checksIndex() {
        long index = serfHealth.modifyIndex;
        for (HealthCheck check : checks.values()) {
            index = Math.max(index, check.modifyIndex);
        }
        return Math.max(index, servicesIndex);
    }

    JsonArray healthState(String state) {
        JsonArray out = new JsonArray();
        List<HealthCheck> all = new ArrayList<>();
        all.add(serfHealth);
        all.addAll(checks.values());
        for (HealthCheck check : all) {
            if (state.equals("any") || check.status.equals(state)) {
                out.add(check.toJson(nodeName));
            }
        }
        return out;
    }

    JsonArray nodeChecks() {
        return healthState("any");
    }

    JsonObject nodeJson() {
        return new JsonObject()
                .put("ID", nodeId)
                .put("Node", nodeName)
                .put("Address", "127.0.0.1")
                .put("Datacenter", DATACENTER)
                .put("TaggedAddresses", nodeTaggedAddresses())
                .put("Meta", nodeMeta())
                .put("CreateIndex", 1)
                .put("ModifyIndex", nodesIndex);
    }

    long nodesIndex() {
        return nodesIndex;
    }

    JsonObject catalogNode() {
        JsonObject byId = new JsonObject();
        byId.put(CONSUL_SERVICE, consulService.agentJson(DATACENTER));
        services.forEach((id, s) -> byId.put(id, s.agentJson(DATACENTER)));
        return new JsonObject().put("Node", nodeJson()).put("Services", byId);
    }

    private static JsonObject nodeTaggedAddresses() {
        return new JsonObject().put("lan", "127.0.0.1").put("lan_ipv4", "127.0.0.1").put("wan", "127.0.0.1")
                .put("wan_ipv4", "127.0.0.1");
    }

    private static JsonObject nodeMeta() {
        return new JsonObject().put("consul-network-segment", "");
    }

    // ---- persistence ----

    void load(Collection<ServiceInstance> loadedServices, Collection<HealthCheck> loadedChecks, long loadedIndex) {
        services.clear();
        checks.clear();
        for (ServiceInstance s : loadedServices) {
            services.put(s.id, s);
            serviceIndexes.merge(s.name, s.modifyIndex, Math::max);
        }
        for (HealthCheck c : loadedChecks) {
            checks.put(c.checkId, c);
            if (!c.serviceName.isEmpty()) {
                serviceIndexes.merge(c.serviceName, c.modifyIndex, Math::max);
            }
        }
        servicesIndex = Math.max(servicesIndex, loadedIndex);
    }
}
