package dev.quayside.devstack.launcher;

import dev.quayside.devstack.common.FreePorts;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The one assembler of a local pipeline: the {@link LocalStack} parts, then any number of instances of each of the
 * seven services as real OS processes ({@link ServiceProcess}) wired to them and to the Git repositories the caller
 * names. Used by {@code bin/quayside up} ({@link LocalRun}), the benchmarks, the chaos harness and the e2e suite.
 *
 * <p>How many instances of each service run, and how many partitions each topic has, is the caller's choice
 * ({@link Spec}). Any one instance can be killed ({@code kill -9}), stopped gracefully, and started again with the
 * same command line ({@link #restart(String, int)}). A service that runs once logs to {@code logs/<service>.log} and
 * works in {@code work/<service>}; instance {@code i} of several logs to {@code logs/<service>-<i>/<service>.log} and
 * works in {@code work/<service>-<i>}.
 */
public final class PipelineStack implements AutoCloseable {

    /**
     * The services, in start order, with the local run's default ports (architecture.md): the seven of the pipeline,
     * then the board (a viewer of the pipeline's topics; a stack runs it only when its spec asks for it).
     */
    public static final Map<String, Integer> SERVICES;

    static {
        Map<String, Integer> services = new LinkedHashMap<>();
        services.put("git-watcher", 8081);
        services.put("image-builder", 8082);
        services.put("config-syncer", 8083);
        services.put("marathon-applier", 8084);
        services.put("registrator", 8085);
        services.put("edge-router", 8086);
        services.put("notifier", 8087);
        services.put("board", 8088);
        SERVICES = Collections.unmodifiableMap(services);
    }

    /** What to assemble. */
    public static final class Spec {
        private final Path home;
        private LocalStack.Options parts = LocalStack.Options.of(LocalStack.RANDOM, Duration.ofSeconds(60), null);
        private boolean fixedServicePorts;
        private final Map<String, Integer> instances = new LinkedHashMap<>();
        private ServiceProcess.ClassArchive classArchive = ServiceProcess.ClassArchive.USE;
        private Map<String, String> extraProperties = Map.of();
        private int frontendPort;
        private int startAttempts = 1;

        /** A spec keeping logs, work directories and the parts' data in {@code home}; one instance of every service. */
        public Spec(Path home) {
            this.home = home;
            SERVICES.keySet().forEach(service -> instances.put(service, 1));
            instances.put("board", 0); // a viewer: the local run asks for it, benchmarks and chaos leave it out
        }

        /** The devstack parts' options (ports, partitions per topic, registry, proxies). */
        public Spec parts(LocalStack.Options options) {
            this.parts = options;
            return this;
        }

        /** The services' first instances on their default ports ({@link #SERVICES}) instead of free ones. */
        public Spec fixedServicePorts(boolean fixed) {
            this.fixedServicePorts = fixed;
            return this;
        }

        /**
         * Runs {@code count} instances of {@code service} (0: none). edge-router runs at most once (one front end), the
         * board too.
         */
        public Spec instances(String service, int count) {
            if (!SERVICES.containsKey(service)) {
                throw new IllegalArgumentException("unknown service '" + service + "' (services: " + SERVICES.keySet() + ")");
            }
            if (count < 0 || ((service.equals("edge-router") || service.equals("board")) && count > 1)) {
                throw new IllegalArgumentException(service + " cannot run " + count + " instance(s)");
            }
            instances.put(service, count);
            return this;
        }

        /** Runs only {@code services}, each {@code count} times. */
        public Spec only(List<String> services, int count) {
            SERVICES.keySet().forEach(service -> instances.put(service, 0));
            services.forEach(service -> instances(service, count));
            return this;
        }

        public Spec classArchive(ServiceProcess.ClassArchive archive) {
            this.classArchive = archive;
            return this;
        }

        /**
         * System properties added to the services' own: {@code service:key} for one service, a plain {@code key} for
         * every service.
         */
        public Spec extraProperties(Map<String, String> properties) {
            this.extraProperties = Map.copyOf(properties);
            return this;
        }

        /** edge-router's HAProxy front end port (0: a free one). */
        public Spec frontendPort(int port) {
            this.frontendPort = port;
            return this;
        }

        /**
         * How many times an instance that exits while starting is started (again with the same command line) before
         * the start fails: 1 by default; the chaos harness allows 2 on a machine too busy for every start to make it.
         */
        public Spec startAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("start attempts must be at least 1, got " + attempts);
            }
            this.startAttempts = attempts;
            return this;
        }

        public Path home() {
            return home;
        }

        public int instances(String service) {
            return instances.getOrDefault(service, 0);
        }
    }

    /**
     * A repository git-watcher watches.
     *
     * @param kind         {@code app} or {@code config}
     * @param pollInterval e.g. {@code 10s}, or null for webhooks only
     */
    public record WatchedRepository(String name, String cloneUrl, String kind, String secret, String branches,
            String pollInterval) {
    }

    private final Spec spec;
    private final LocalStack parts;
    private final int frontendPort;
    private final HaproxySocket haproxySocket;
    private final ServiceConfigs configs;
    private final Map<String, List<ServiceProcess>> running = new LinkedHashMap<>();
    private final Map<String, Duration> readyAfter = new LinkedHashMap<>();
    private final String operatorToken = newOperatorToken();
    private final Map<String, List<Integer>> ports = new LinkedHashMap<>();

    private PipelineStack(Spec spec, LocalStack parts, int frontendPort) {
        this.spec = spec;
        this.parts = parts;
        this.frontendPort = frontendPort;
        this.haproxySocket = new HaproxySocket(spec.home);
        this.configs = new ServiceConfigs(new ServiceConfigs.Stack(spec.home, parts, spec.fixedServicePorts,
                frontendPort, operatorToken, spec.extraProperties));
    }

    /** Starts the devstack parts; name the repositories, then {@link #startServices(Path, Duration)}. */
    public static PipelineStack start(Spec spec) {
        LocalStack parts = LocalStack.start(spec.home, spec.parts);
        int frontend = spec.frontendPort != 0 ? spec.frontendPort : FreePorts.pick();
        return new PipelineStack(spec, parts, frontend);
    }

    /** Has git-watcher watch {@code repository}. */
    public PipelineStack watch(WatchedRepository repository) {
        configs.watch(repository);
        return this;
    }

    /** Has config-syncer write back to and mirror {@code branch} of the config repository {@code name}. */
    public PipelineStack configRepository(String name, String cloneUrl, String branch) {
        configs.configRepository(name, cloneUrl, branch);
        return this;
    }

    /** marathon-applier's settings of one environment, e.g. {@code rollback} → {@code true}. */
    public PipelineStack environment(String environment, Map<String, String> settings) {
        configs.environment(environment, settings);
        return this;
    }

    public LocalStack parts() {
        return parts;
    }

    public int frontendPort() {
        return frontendPort;
    }

    public Path home() {
        return spec.home;
    }

    /**
     * Starts every instance at once (its packaged app under {@code servicesRoot}) and waits until each is ready; on
     * failure the message names the instance.
     */
    public void startServices(Path servicesRoot, Duration readyTimeout) {
        writeOperatorToken();
        int free = 0;
        for (String service : SERVICES.keySet()) {
            free += spec.fixedServicePorts ? Math.max(0, spec.instances(service) - 1) : spec.instances(service);
        }
        // all at once: two picks one after the other can return the same port (CI saw git-watcher and image-builder
        // both given one; git-watcher could not bind it and its readiness probe reached image-builder)
        java.util.Iterator<Integer> picked = FreePorts.pick(free, java.util.Set.of(frontendPort)).iterator();
        for (String service : SERVICES.keySet()) {
            List<Integer> list = new ArrayList<>();
            for (int i = 0; i < spec.instances(service); i++) {
                list.add(spec.fixedServicePorts && i == 0 ? SERVICES.get(service) : picked.next());
            }
            ports.put(service, list);
        }
        Map<String, Map<String, String>> built = serviceProperties();
        for (String service : SERVICES.keySet()) {
            int count = spec.instances(service);
            List<ServiceProcess> list = new ArrayList<>();
            running.put(service, list);
            for (int i = 0; i < count; i++) {
                int port = ports.get(service).get(i);
                Map<String, String> properties = configs.forInstance(service, i, count, built);
                Path logDir = count > 1 ? logs().resolve(service + "-" + (i + 1)) : logs();
                ServiceProcess process = ServiceProcess.start(servicesRoot, service, port, properties, logDir,
                        spec.classArchive);
                list.add(process);
            }
        }
        readyAfter.putAll(awaitAllStarted(readyTimeout));
    }

    /** Waits for every instance at once; returns each one's time from its process start to ready, by {@link #id}. */
    private Map<String, Duration> awaitAllStarted(Duration readyTimeout) {
        ExecutorService waiters = Executors.newFixedThreadPool(Math.max(1, all().size()));
        try {
            Map<String, Future<Duration>> ready = new LinkedHashMap<>();
            running.forEach((service, list) -> {
                for (int i = 0; i < list.size(); i++) {
                    int index = i;
                    ready.put(id(service, i), waiters.submit(() -> awaitStarted(service, index, readyTimeout)));
                }
            });
            Map<String, Duration> after = new LinkedHashMap<>();
            for (Map.Entry<String, Future<Duration>> future : ready.entrySet()) {
                after.put(future.getKey(), future.getValue().get());
            }
            return after;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            waiters.shutdownNow();
        }
    }

    private Duration awaitStarted(String service, int index, Duration readyTimeout) {
        for (int attempt = 1; ; attempt++) {
            ServiceProcess process = instance(service, index);
            try {
                return process.awaitReady(readyTimeout);
            } catch (IllegalStateException e) {
                if (process.isAlive() || attempt >= spec.startAttempts) {
                    throw e;
                }
                System.out.println(id(service, index) + " exited while starting (attempt " + attempt + " of "
                        + spec.startAttempts + "); starting it again: " + e.getMessage().lines().findFirst().orElse(""));
                synchronized (running) {
                    running.get(service).set(index, process.restart());
                }
            }
        }
    }

    /** {@code service} when it runs once, {@code service-<index + 1>} when it runs several times. */
    public String id(String service, int index) {
        return spec.instances(service) > 1 ? service + "-" + (index + 1) : service;
    }

    /** The running instances of {@code service} (empty when it does not run). */
    public List<ServiceProcess> instances(String service) {
        return List.copyOf(running.getOrDefault(service, List.of()));
    }

    /** The first instance of {@code service}. */
    public ServiceProcess instance(String service) {
        return instance(service, 0);
    }

    public ServiceProcess instance(String service, int index) {
        List<ServiceProcess> list = running.get(service);
        if (list == null || index < 0 || index >= list.size()) {
            throw new IllegalArgumentException("no instance " + index + " of " + service + " (" + (list == null ? 0
                    : list.size()) + " running)");
        }
        return list.get(index);
    }

    /** Every instance, in start order. */
    public List<ServiceProcess> all() {
        List<ServiceProcess> all = new ArrayList<>();
        running.values().forEach(all::addAll);
        return all;
    }

    /** How long each instance took from process start to ready (all starting at once), by {@link #id}. */
    public Map<String, Duration> readyAfter() {
        return readyAfter;
    }

    /** Kills one instance with SIGKILL ({@code kill -9}). */
    public void kill(String service, int index) {
        instance(service, index).kill();
    }

    /** Stops one instance gracefully (SIGTERM, then SIGKILL after a grace period). */
    public void stop(String service, int index) {
        instance(service, index).close();
    }

    /**
     * Starts a stopped or killed instance again with the same command line, port and configuration (stopping it
     * first, gracefully, if it still runs) and waits until it is ready; returns how long that took.
     */
    public Duration restart(String service, int index, Duration readyTimeout) {
        ServiceProcess old = instance(service, index);
        old.close();
        ServiceProcess fresh = old.restart();
        running.get(service).set(index, fresh);
        return fresh.awaitReady(readyTimeout);
    }

    /**
     * Stops every instance gracefully, all at once (as {@code bin/quayside down} does before it stops the parts), then
     * starts them all again at once with the same command lines (as {@code up}) and waits until each is ready; the
     * parts keep running. Returns how long each took from its new process's start to ready, by {@link #id}.
     */
    public Map<String, Duration> restartAll(Duration readyTimeout) {
        stopAll();
        synchronized (running) {
            running.forEach((service, list) -> list.replaceAll(ServiceProcess::restart));
        }
        return awaitAllStarted(readyTimeout);
    }

    /** git-watcher's generic webhook URLs, one per instance. */
    public List<String> webhookUrls() {
        return instances("git-watcher").stream().map(p -> p.url() + "/webhooks/generic").toList();
    }

    /** The last lines of every instance's log, for a failure report. */
    public String logTails(int lines) {
        StringBuilder out = new StringBuilder();
        running.forEach((service, list) -> {
            for (int i = 0; i < list.size(); i++) {
                ServiceProcess process = list.get(i);
                out.append("---- ").append(id(service, i)).append(" (").append(process.log()).append(")\n")
                        .append(process.logTail(lines)).append('\n');
            }
        });
        return out.toString();
    }

    private Path logs() {
        return spec.home.resolve("logs");
    }

    /**
     * Each service's configuration with one instance of each on its default port ({@link #SERVICES}), the front end on
     * {@link #frontendPort()}, without starting anything: what {@code up --on-marathon} gives the services it runs as
     * Marathon apps on those ports ({@link OnMarathon}).
     */
    Map<String, Map<String, String>> defaultPortConfigs() {
        Map<String, Map<String, String>> perService = new LinkedHashMap<>();
        SERVICES.forEach((service, port) -> ports.put(service, List.of(port)));
        Map<String, Map<String, String>> built = serviceProperties();
        SERVICES.keySet().forEach(service -> perService.put(service, configs.forInstance(service, 0, 1, built)));
        return perService;
    }

    /** Each service's configuration for this stack (system properties). */
    Map<String, Map<String, String>> serviceProperties() {
        return configs.build(ports, haproxyMasterSocket());
    }

    /**
     * The stack's operator token ({@code quayside.operator.token} of every service): operator endpoints such as
     * config-syncer's {@code POST /api/sync/...} need {@code Authorization: Bearer <token>}. New for each stack, and
     * written to {@code <home>/operator-token} (owner-only) when the services start.
     */
    public String operatorToken() {
        return operatorToken;
    }

    private static String newOperatorToken() {
        byte[] bytes = new byte[24];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    /** Writes the operator token to {@code <home>/operator-token}, readable by its owner only. */
    private void writeOperatorToken() {
        Path file = spec.home.resolve("operator-token");
        try {
            java.nio.file.Files.createDirectories(spec.home);
            java.nio.file.Files.deleteIfExists(file);
            java.nio.file.Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            java.nio.file.Files.writeString(file, operatorToken + "\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + file, e);
        }
    }

    /** HAProxy's edge-router configuration file (in its work directory). */
    public Path haproxyConfig() {
        return spec.home.resolve("work/edge-router/haproxy.cfg");
    }

    /**
     * HAProxy's master CLI socket: in edge-router's work directory, unless that path is too long for a Unix socket
     * (a deep temporary folder), then in a short folder of its own under {@code java.io.tmpdir}.
     */
    public Path haproxyMasterSocket() {
        return haproxySocket.path();
    }

    /**
     * Stops every instance (gracefully, all at once), then any HAProxy an edge-router of this stack left behind (one
     * that was killed leaves its HAProxy running; a restarted one adopts it, but the last one may not stop it), then
     * the parts.
     */
    @Override
    public void close() {
        stopAll();
        haproxySocket.cleanUp();
        parts.close();
    }

    /** Stops every instance gracefully, all at once, in reverse start order (as {@code bin/quayside down} does). */
    private void stopAll() {
        List<ServiceProcess> all = all();
        Collections.reverse(all);
        ExecutorService stoppers = Executors.newFixedThreadPool(Math.max(1, all.size()));
        try {
            all.forEach(process -> stoppers.submit(process::close));
        } finally {
            stoppers.shutdown();
            try {
                if (!stoppers.awaitTermination(90, TimeUnit.SECONDS)) {
                    stoppers.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
