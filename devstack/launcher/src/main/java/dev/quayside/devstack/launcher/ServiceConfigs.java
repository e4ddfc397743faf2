package dev.quayside.devstack.launcher;

import dev.quayside.devstack.launcher.PipelineStack.WatchedRepository;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each service's configuration (system properties) in one {@link PipelineStack}: wired to the stack's devstack parts,
 * the repositories and environments the caller named, the ports picked for the services, and the stack's operator
 * token.
 */
final class ServiceConfigs {

    /** What the configurations are made of, besides the repositories and environments named. */
    record Stack(Path home, LocalStack parts, boolean fixedServicePorts, int frontendPort, String operatorToken,
            Map<String, String> extraProperties) {
    }

    private final Stack stack;
    private final List<WatchedRepository> watched = new ArrayList<>();
    private final Map<String, String[]> configRepositories = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> environments = new LinkedHashMap<>();

    ServiceConfigs(Stack stack) {
        this.stack = stack;
    }

    /** Has git-watcher watch {@code repository}. */
    void watch(WatchedRepository repository) {
        watched.add(repository);
    }

    /** Has config-syncer write back to and mirror {@code branch} of the config repository {@code name}. */
    void configRepository(String name, String cloneUrl, String branch) {
        configRepositories.put(name, new String[] {cloneUrl, branch});
    }

    /** marathon-applier's settings of one environment, e.g. {@code rollback} → {@code true}. */
    void environment(String environment, Map<String, String> settings) {
        environments.put(environment, Map.copyOf(settings));
    }

    /**
     * Instance {@code index} of {@code count} of a service's system properties: its configuration for this stack, a
     * work directory of its own when it runs several times, and the spec's extra properties ({@code service:key} for
     * one service, a plain {@code key} for every service).
     */
    Map<String, String> forInstance(String service, int index, int count, Map<String, Map<String, String>> configs) {
        Map<String, String> properties = new LinkedHashMap<>(configs.get(service));
        stack.extraProperties().forEach((key, value) -> {
            String prefix = service + ":";
            if (key.startsWith(prefix)) {
                properties.put(key.substring(prefix.length()), value);
            } else if (!key.contains(":")) {
                properties.put(key, value);
            }
        });
        // a stable name per instance: restarted (after kill -9 too) it takes its partitions back at once
        properties.putIfAbsent("quayside.kafka.instance-id", count > 1 ? service + "-" + (index + 1) : service);
        String work = "quayside." + workDirKey(service);
        if (properties.containsKey(work) && count > 1) {
            properties.put(work, properties.get(work) + "-" + (index + 1));
        }
        return properties;
    }

    private static String workDirKey(String service) {
        return switch (service) {
            case "git-watcher" -> "git-watcher.work-dir";
            case "image-builder" -> "builder.work-dir";
            case "config-syncer" -> "config-syncer.work-dir";
            case "edge-router" -> "edge-router.haproxy.work-dir";
            default -> "-";
        };
    }

    /** Each service's configuration, given the ports picked per service and HAProxy's master socket. */
    Map<String, Map<String, String>> build(Map<String, List<Integer>> ports, Path haproxyMasterSocket) {
        LocalStack parts = stack.parts();
        Path work = stack.home().resolve("work");
        Map<String, Map<String, String>> all = new LinkedHashMap<>();

        Map<String, String> watcher = common();
        for (WatchedRepository repository : watched) {
            String prefix = "quayside.git-watcher.repositories." + repository.name() + ".";
            watcher.put(prefix + "clone-url", repository.cloneUrl());
            watcher.put(prefix + "kind", repository.kind());
            watcher.put(prefix + "secret", repository.secret());
            watcher.put(prefix + "branches", repository.branches());
            if (repository.pollInterval() != null) {
                watcher.put(prefix + "poll-interval", repository.pollInterval());
            }
        }
        watcher.put("quayside.git-watcher.work-dir", work.resolve("git-watcher").toString());
        all.put("git-watcher", watcher);

        Map<String, String> builder = common();
        builder.put("quayside.registry.address", parts.registryAddress());
        builder.put("quayside.builder.work-dir", work.resolve("image-builder").toString());
        // image-builder fetches only URLs of its own configuration, never the event's; local paths only when allowed
        builder.put("quayside.builder.allow-local-remotes", "true");
        for (WatchedRepository repository : watched) {
            if ("app".equals(repository.kind())) {
                builder.put("quayside.builder.repositories.\"" + repository.name() + "\".url", repository.cloneUrl());
            }
        }
        docker(builder);
        all.put("image-builder", builder);

        Map<String, String> syncer = common();
        syncer.put("quayside.config-syncer.work-dir", work.resolve("config-syncer").toString());
        configRepositories.forEach((name, repository) -> {
            syncer.put("quayside.config-syncer.repositories." + name + ".clone-url", repository[0]);
            syncer.put("quayside.config-syncer.repositories." + name + ".branch", repository[1]);
        });
        // to order builds by ancestry config-syncer fetches the app repositories, from its own configuration only
        syncer.put("quayside.config-syncer.allow-local-sources", "true");
        for (WatchedRepository repository : watched) {
            if ("app".equals(repository.kind())) {
                syncer.put("quayside.config-syncer.sources.\"" + repository.name() + "\".url", repository.cloneUrl());
            }
        }
        all.put("config-syncer", syncer);

        Map<String, String> applier = common();
        applier.put("quayside.marathon-applier.defaults.marathon-url", parts.marathonUrl());
        applier.put("quayside.marathon-applier.defaults.chronos-url", parts.chronosUrl());
        environments.forEach((environment, settings) -> settings.forEach((key, value) -> applier.put(
                "quayside.marathon-applier.environments." + environment + "." + key, value)));
        all.put("marathon-applier", applier);

        Map<String, String> registrator = common();
        registrator.put("quayside.registrator.address", "127.0.0.1");
        if (!stack.fixedServicePorts()) {
            // a stack on free ports shares the Docker engine with other work (tests, benches): its registrator sees
            // only its own Marathon stand-ins' tasks, or another test's sample-app containers join its routes
            registrator.put("quayside.registrator.container-label",
                    LocalStack.RUN_LABEL + "=" + parts.marathonStandInId());
        }
        docker(registrator);
        all.put("registrator", registrator);

        Map<String, String> router = common();
        router.put("quayside.edge-router.frontend.http-port", String.valueOf(stack.frontendPort()));
        router.put("quayside.edge-router.frontend.bind-address", "127.0.0.1");
        router.put("quayside.edge-router.haproxy.work-dir", work.resolve("edge-router").toString());
        router.put("quayside.edge-router.haproxy.master-socket", haproxyMasterSocket.toString());
        router.put("quayside.edge-router.wait-period.min", "200ms");
        router.put("quayside.edge-router.wait-period.max", "1s");
        all.put("edge-router", router);

        all.put("notifier", common());

        Map<String, String> board = new LinkedHashMap<>();
        board.put("kafka.bootstrap.servers", parts.kafkaBootstrap());
        parts.kafkaClientProperties().forEach((key, value) -> board.put("kafka." + key, value));
        board.put("quayside.board.marathon.url", parts.marathonUrl());
        // an environment on a Marathon of its own (marathon-applier's marathon-url) is read there by the board too
        environments.forEach((environment, settings) -> {
            if (settings.containsKey("marathon-url")) {
                board.put("quayside.board.environments." + environment + ".marathon-url", settings.get("marathon-url"));
            }
        });
        List<Integer> watchers = ports.getOrDefault("git-watcher", List.of());
        if (!watchers.isEmpty()) {
            board.put("quayside.board.git-watcher.url", "http://127.0.0.1:" + watchers.get(0));
        }
        List<Integer> syncers = ports.getOrDefault("config-syncer", List.of());
        if (!syncers.isEmpty()) {
            board.put("quayside.board.config-syncer.url", "http://127.0.0.1:" + syncers.get(0));
        }
        all.put("board", board);
        // operator endpoints (POST /api/sync/..., /registrations/sync, ...) take the stack's bearer token
        all.values().forEach(properties -> properties.put("quayside.operator.token", stack.operatorToken()));
        return all;
    }

    private Map<String, String> common() {
        LocalStack parts = stack.parts();
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("kafka.bootstrap.servers", parts.kafkaBootstrap());
        // a broker with SCRAM: every client of the service (channels, the kit's compacted topics) logs in with these
        parts.kafkaClientProperties().forEach((key, value) -> properties.put("kafka." + key, value));
        properties.put("quayside.consul.url", parts.consulUrl());
        return properties;
    }

    private void docker(Map<String, String> properties) {
        if (stack.parts().dockerHost() != null) {
            properties.put("quayside.docker.host", stack.parts().dockerHost());
        }
    }
}
