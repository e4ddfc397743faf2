package dev.quayside.devstack.launcher.chaos;

import dev.quayside.events.EventEnvelope;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the pipeline left behind, read after quiescence from the real parts ({@link FinalStateReader}) or made by hand
 * in a test: the input of the {@link FinalStateChecker}. File contents and KV values are kept byte for byte (as
 * ISO-8859-1 strings, which map every byte to one char).
 *
 * @param apps          the apps of the workload and where each is defined
 * @param pushed        every commit the workload pushed, in push order
 * @param events        every event on the Quayside topics, in the order read (redeliveries included)
 * @param registry      per image repository in the registry (e.g. {@code chaos-app-00})
 * @param config        the config repository
 * @param kv            the config repository's mirror in Consul KV
 * @param marathon      the Marathon apps, by id
 * @param chronos       the Chronos jobs: name → image
 * @param catalog       the Consul catalog: service name → its instances
 * @param haproxy       what HAProxy routes to: service name → its servers ({@code address:port}); null when not read
 * @param haproxyMasters the pids of the HAProxy masters started on edge-router's configuration (one is right; an
 *                      older one left running by a killed edge-router keeps serving the front end's port beside it)
 * @param notifications per notification channel, the event id of every message received, repeats included
 */
public record FinalState(Map<String, App> apps, List<Pushed> pushed, List<EventEnvelope<?>> events,
        Map<String, RegistryRepository> registry, ConfigRepository config, KeyValues kv,
        Map<String, MarathonApp> marathon, Map<String, String> chronos, Map<String, List<CatalogEntry>> catalog,
        Map<String, List<String>> haproxy, List<Long> haproxyMasters, Map<String, List<String>> notifications) {

    /**
     * An app of the workload.
     *
     * @param name            its repository's name, which is also its image's name in the registry
     * @param definition      its definition's path in the config repository, e.g. {@code marathon/chaos/a.json}
     * @param marathonId      its Marathon app id
     * @param imageRepository {@code registry/name}, the image repository its definition pins
     */
    public record App(String name, String definition, String marathonId, String imageRepository) {
    }

    /** A commit the workload pushed ({@code kind} {@code app} or {@code config}). */
    public record Pushed(String repository, String kind, String commit, Instant at) {
    }

    /**
     * A repository of the registry.
     *
     * @param tags      tag → manifest digest
     * @param manifests every manifest digest the registry stores for it (tagged or not: each push of a new manifest)
     */
    public record RegistryRepository(Map<String, String> tags, Set<String> manifests) {
    }

    /**
     * The config repository.
     *
     * @param head       the branch's head commit
     * @param headTree   path → content at the head
     * @param syncedTree path → content at the commit KV says it mirrored, or null when Git does not know that commit
     * @param history    definition path → the image each commit that touched it left pinned, oldest first
     */
    public record ConfigRepository(String head, Map<String, String> headTree, Map<String, String> syncedTree,
            Map<String, List<Pin>> history) {
    }

    /**
     * A config commit and the image a definition pins at it.
     *
     * @param rollback whether the commit is config-syncer's write-back of an automatic rollback (trailer
     *                 {@code Quayside-Rollback-Of})
     */
    public record Pin(String commit, String image, boolean rollback) {

        public Pin(String commit, String image) {
            this(commit, image, false);
        }
    }

    /**
     * The mirror in Consul KV.
     *
     * @param ref   the commit the mirror says it synced completely, or null
     * @param files path (relative to the branch's prefix) → value
     */
    public record KeyValues(String ref, Map<String, String> files) {
    }

    /**
     * A Marathon app.
     *
     * @param healthChecked whether it has health checks (then every task must be healthy)
     * @param serviceName   the {@code SERVICE_NAME} its tasks register in Consul under, or null
     * @param routed        whether its tasks ask for an HAProxy route ({@code SERVICE_HAPROXY_VHOST})
     * @param versionImages the image of each version Marathon kept, oldest first
     * @param deploying     whether a deployment of it still runs
     */
    public record MarathonApp(String id, String image, int instances, List<Task> tasks, boolean healthChecked,
            String serviceName, boolean routed, List<String> versionImages, boolean deploying) {
    }

    /** A running task: its host ports and whether every health check passes. */
    public record Task(String id, List<Integer> ports, boolean healthy) {
    }

    /** An instance in the Consul catalog. */
    public record CatalogEntry(String serviceId, String address, int port, boolean passing) {
    }
}
