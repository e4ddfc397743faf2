package dev.quayside.devstack.launcher;

import dev.quayside.devstack.consul.ConsulStandIn;
import dev.quayside.devstack.docker.DockerEngine;
import dev.quayside.devstack.docker.LocalRegistry;
import dev.quayside.devstack.kafka.KafkaBroker;
import dev.quayside.devstack.marathon.MarathonStandIn;
import dev.quayside.events.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The devstack parts of one local run, in this process: the real Kafka broker (a child JVM), the real registry
 * (Debian's docker-registry), the Consul stand-in, and the Marathon and Chronos stand-ins running real containers.
 * With {@link Options#faultProxies()} the pipeline reaches Consul, Marathon, Chronos, the registry and the Docker engine
 * through {@link FaultProxy proxies} that the chaos harness cuts and heals; the broker can be stopped and started
 * again on the same port and data ({@link #stopKafka()}, {@link #startKafka()}).
 */
public final class LocalStack implements AutoCloseable {

    /** Default ports of the local run (architecture.md); tests use {@link #RANDOM}. */
    public record Ports(int kafka, int registry, int consul, int marathon, int chronos) {
    }

    public static final Ports DEFAULT_PORTS = new Ports(9092, 5000, 8500, 8080, 4400);
    public static final Ports RANDOM = new Ports(0, 0, 0, 0, 0);

    /** The Docker engine's socket, the target of the Docker proxy. */
    public static final Path DOCKER_SOCKET = Path.of("/var/run/docker.sock");

    /**
     * How to start the parts.
     *
     * @param ports             fixed ports, or {@link #RANDOM}
     * @param partitions        partitions of every Quayside topic, unless {@code topicPartitions} names it
     * @param topicPartitions   partitions of single topics (e.g. {@code quayside.builds} → 4)
     * @param deploymentTimeout the Marathon stand-in's deployment timeout
     * @param standInId         names the Marathon stand-in's containers (null: a random test id)
     * @param externalRegistry  {@code host:port} of a registry someone else runs (none is started then), or null
     * @param faultProxies      put a {@link FaultProxy} in front of Consul, Marathon, Chronos, the registry and Docker
     * @param scram             the broker's one SASL/SCRAM-SHA-256 user, which every client then logs in as; null:
     *                          no authentication
     * @param hostNetwork       the Marathon stand-in runs apps in host networking in Docker's host network
     *                          ({@code MarathonStandIn.Options.hostNetwork}): Quayside's own apps,
     *                          {@code up --on-marathon}
     * @param secondMarathon    the port of a second Marathon stand-in (another environment's Marathon, with its own
     *                          id and containers; 0: a random port), or null for none
     * @param attached          the parts run elsewhere already (docker-compose's containers in the host's network,
     *                          {@link ComposeRun}) on {@code ports} of 127.0.0.1: nothing is started or stopped, the
     *                          Marathon stand-in's id is {@code standInId}
     */
    public record Options(Ports ports, int partitions, Map<String, Integer> topicPartitions, Duration deploymentTimeout,
            String standInId, String externalRegistry, boolean faultProxies, KafkaBroker.Scram scram,
            boolean hostNetwork, Integer secondMarathon, boolean attached) {

        public Options {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
            }
            topicPartitions = Map.copyOf(topicPartitions);
            topicPartitions.forEach((topic, count) -> {
                if (count < 1) {
                    throw new IllegalArgumentException("partitions of " + topic + " must be at least 1, got " + count);
                }
            });
        }

        /** The local run's defaults: 3 partitions per topic, a registry of its own, no proxies. */
        public static Options of(Ports ports, Duration deploymentTimeout, String standInId) {
            return new Options(ports, 3, Map.of(), deploymentTimeout, standInId, null, false, null, false, null,
                    false);
        }

        public Options withPartitions(int partitions, Map<String, Integer> topicPartitions) {
            return new Options(ports, partitions, topicPartitions, deploymentTimeout, standInId, externalRegistry,
                    faultProxies, scram, hostNetwork, secondMarathon, attached);
        }

        public Options withExternalRegistry(String address) {
            return new Options(ports, partitions, topicPartitions, deploymentTimeout, standInId, address, faultProxies,
                    scram, hostNetwork, secondMarathon, attached);
        }

        public Options withFaultProxies(boolean on) {
            return new Options(ports, partitions, topicPartitions, deploymentTimeout, standInId, externalRegistry, on,
                    scram, hostNetwork, secondMarathon, attached);
        }

        /** These options with a broker that lets only {@code user} in (SASL/SCRAM-SHA-256), or none when null. */
        public Options withScram(KafkaBroker.Scram user) {
            return new Options(ports, partitions, topicPartitions, deploymentTimeout, standInId, externalRegistry,
                    faultProxies, user, hostNetwork, secondMarathon, attached);
        }

        /**
         * These options for parts that already run (or are about to) on {@code ports} of 127.0.0.1, the Marathon
         * stand-in's id {@code standInId}: {@link LocalStack#start} starts none of them and {@link LocalStack#close()}
         * stops none.
         */
        public Options attached(Ports ports, String standInId) {
            if (ports.kafka() == 0 || ports.registry() == 0 || ports.consul() == 0 || ports.marathon() == 0
                    || ports.chronos() == 0 || standInId == null || faultProxies || externalRegistry != null
                || scram != null || secondMarathon != null) {
                throw new IllegalArgumentException("attached parts need fixed ports and the stand-in's id, and no "
                        + "proxies, external registry, SCRAM or second Marathon: " + ports + ", " + standInId + ", "
                        + this);
            }
            return new Options(ports, partitions, topicPartitions, deploymentTimeout, standInId, externalRegistry,
                    faultProxies, scram, hostNetwork, secondMarathon, true);
        }

        /** These options with the Marathon stand-in running host-networked apps in Docker's host network. */
        public Options withHostNetwork() {
            return new Options(ports, partitions, topicPartitions, deploymentTimeout, standInId, externalRegistry,
                    faultProxies, scram, true, secondMarathon, attached);
        }

        /**
         * These options with a second Marathon stand-in on {@code port} (0: random; not behind a fault proxy): its
         * own id ({@code <first id>-2}), so neither re-adopts, kills or counts the other's containers; both label
         * their containers {@value #RUN_LABEL}{@code =<first id>}.
         */
        public Options withSecondMarathon(int port) {
            return new Options(ports, partitions, topicPartitions, deploymentTimeout, standInId, externalRegistry,
                    faultProxies, scram, hostNetwork, port, attached);
        }
    }

    /** The label both Marathon stand-ins of one stack put on their task containers (value: the first one's id). */
    public static final String RUN_LABEL = "quayside.local-run";

    /** Names of the parts behind a proxy, for {@link #proxy(String)}. */
    public static final String CONSUL = "consul";
    public static final String MARATHON = "marathon";
    public static final String CHRONOS = "chronos";
    public static final String REGISTRY = "registry";
    public static final String DOCKER = "docker";

    private final Options options;
    private final Path home;
    private volatile KafkaBroker kafka;
    private final int kafkaPort;
    private final LocalRegistry registry;
    private final ConsulStandIn consul;
    private final MarathonStandIn marathon;
    private final MarathonStandIn secondMarathon;
    private final Map<String, FaultProxy> proxies;

    private LocalStack(Options options, Path home, KafkaBroker kafka, LocalRegistry registry, ConsulStandIn consul,
            MarathonStandIn marathon, MarathonStandIn secondMarathon, Map<String, FaultProxy> proxies) {
        this.options = options;
        this.home = home;
        this.kafka = kafka;
        this.kafkaPort = kafka == null ? options.ports().kafka()
                : Integer.parseInt(kafka.bootstrapServers().substring(kafka.bootstrapServers().lastIndexOf(':') + 1));
        this.registry = registry;
        this.consul = consul;
        this.marathon = marathon;
        this.secondMarathon = secondMarathon;
        this.proxies = proxies;
    }

    /** {@link #start(Path, Options)} with the local run's defaults. */
    public static LocalStack start(Path home, Ports ports, Duration deploymentTimeout, String standInId) {
        return start(home, Options.of(ports, deploymentTimeout, standInId));
    }

    /**
     * Starts every part; {@code home} keeps Kafka's and the registry's data ({@code .quayside/} for the local run, a
     * temporary folder in tests). What started is stopped again if a later part fails.
     */
    public static LocalStack start(Path home, Options options) {
        DockerEngine.requireRunning();
        if (options.attached()) {
            return new LocalStack(options, home, null, null, null, null, null, Map.of());
        }
        List<AutoCloseable> started = new ArrayList<>();
        try {
            KafkaBroker kafka = startBroker(options.ports().kafka(), home, options);
            started.add(kafka);
            createTopics(kafka.bootstrapServers(), options);
            LocalRegistry registry = null;
            if (options.externalRegistry() == null) {
                registry = LocalRegistry.start(options.ports().registry(), home.resolve("registry"));
                started.add(registry);
            }
            ConsulStandIn consul = ConsulStandIn.start(ConsulStandIn.Options.defaults().port(options.ports().consul()));
            started.add(consul);
            Map<String, FaultProxy> proxies = new LinkedHashMap<>();
            if (options.faultProxies()) {
                proxies.put(DOCKER, FaultProxy.toUnixSocket(DOCKER, DOCKER_SOCKET));
                started.add(proxies.get(DOCKER));
            }
            MarathonStandIn.Options marathonOptions = new MarathonStandIn.Options()
                    .marathonPort(options.ports().marathon()).chronosPort(options.ports().chronos())
                    .deploymentTimeout(options.deploymentTimeout()).hostNetwork(options.hostNetwork());
            if (options.standInId() != null) {
                marathonOptions.standInId(options.standInId());
            }
            marathonOptions.taskLabel(RUN_LABEL, marathonOptions.standInId());
            if (options.faultProxies()) {
                marathonOptions.dockerHost("tcp://" + proxies.get(DOCKER).address());
            }
            MarathonStandIn marathon = MarathonStandIn.start(marathonOptions);
            started.add(marathon);
            MarathonStandIn second = null;
            if (options.secondMarathon() != null) {
                second = MarathonStandIn.start(new MarathonStandIn.Options().marathonPort(options.secondMarathon())
                        .deploymentTimeout(options.deploymentTimeout()).standInId(marathon.standInId() + "-2")
                        .taskLabel(RUN_LABEL, marathon.standInId()));
                started.add(second);
            }
            if (options.faultProxies()) {
                proxies.put(CONSUL, FaultProxy.toPort(CONSUL, consul.port()));
                proxies.put(MARATHON, FaultProxy.toPort(MARATHON, port(marathon.marathonUrl())));
                proxies.put(CHRONOS, FaultProxy.toPort(CHRONOS, port(marathon.chronosUrl())));
                String registryAddress = registry != null ? registry.address() : options.externalRegistry();
                proxies.put(REGISTRY, FaultProxy.toPort(REGISTRY, port(registryAddress)));
            }
            return new LocalStack(options, home, kafka, registry, consul, marathon, second, proxies);
        } catch (RuntimeException e) {
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static KafkaBroker startBroker(int port, Path home, Options options) {
        KafkaBroker.Options broker = new KafkaBroker.Options(port, home.resolve("kafka"), options.partitions(), true);
        return KafkaBroker.start(options.scram() == null ? broker : broker.withScram(options.scram()));
    }

    private static void createTopics(String bootstrap, Options options) {
        Map<Integer, List<String>> byCount = new TreeMap<>();
        for (String topic : Topics.ALL) {
            byCount.computeIfAbsent(options.topicPartitions().getOrDefault(topic, options.partitions()),
                    k -> new ArrayList<>()).add(topic);
        }
        Map<String, String> client = options.scram() == null ? Map.of() : options.scram().clientProperties();
        byCount.forEach((count, topics) -> KafkaBroker.createTopics(bootstrap, client, count, topics, Map.of()));
    }

    public Options options() {
        return options;
    }

    public String kafkaBootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    /** What a Kafka client needs besides the bootstrap servers to log in: the SCRAM settings, or nothing. */
    public Map<String, String> kafkaClientProperties() {
        return options.scram() == null ? Map.of() : options.scram().clientProperties();
    }

    /** The broker as it runs now (a new object after {@link #startKafka()}); null when {@link Options#attached()}. */
    public KafkaBroker kafka() {
        return kafka;
    }

    /** Stops the broker gracefully (SIGTERM); its port and data directory stay for {@link #startKafka()}. */
    public void stopKafka() {
        requireOwnParts();
        kafka.close();
    }

    /** Starts the broker again on the same port with the same data directory (topics, offsets and events kept). */
    public void startKafka() {
        requireOwnParts();
        if (kafka.isRunning()) {
            throw new IllegalStateException("the broker still runs on " + kafkaBootstrap());
        }
        kafka = startBroker(kafkaPort, home, options);
    }

    /** The registry's address as the pipeline uses it: the first segment of image names (its proxy's when on). */
    public String registryAddress() {
        return proxies.containsKey(REGISTRY) ? proxies.get(REGISTRY).address() : directRegistryAddress();
    }

    /** The registry's own address, bypassing any proxy (images seeded there are the pipeline's all the same). */
    public String directRegistryAddress() {
        if (options.attached()) {
            return "127.0.0.1:" + options.ports().registry();
        }
        return registry != null ? registry.address() : options.externalRegistry();
    }

    /** The registry this stack started, or null when it uses an {@link Options#externalRegistry() external} one. */
    public LocalRegistry registry() {
        return registry;
    }

    /** Consul's URL as the pipeline uses it (its proxy's when on). */
    public String consulUrl() {
        return proxies.containsKey(CONSUL) ? "http://" + proxies.get(CONSUL).address()
                : consul == null ? "http://127.0.0.1:" + options.ports().consul() : consul.url();
    }

    public ConsulStandIn consul() {
        return consul;
    }

    /** Marathon's URL as the pipeline uses it (its proxy's when on). */
    public String marathonUrl() {
        return proxies.containsKey(MARATHON) ? "http://" + proxies.get(MARATHON).address()
                : marathon == null ? "http://127.0.0.1:" + options.ports().marathon() : marathon.marathonUrl();
    }

    /** The second Marathon stand-in's URL ({@link Options#withSecondMarathon(int)}), or null without one. */
    public String secondMarathonUrl() {
        return secondMarathon == null ? null : secondMarathon.marathonUrl();
    }

    /** Chronos' URL as the pipeline uses it (its proxy's when on). */
    public String chronosUrl() {
        return proxies.containsKey(CHRONOS) ? "http://" + proxies.get(CHRONOS).address()
                : marathon == null ? "http://127.0.0.1:" + options.ports().chronos() : marathon.chronosUrl();
    }

    /** The id the Marathon stand-in labels its task containers with ({@code quayside.marathon.stand-in}). */
    public String marathonStandInId() {
        return marathon == null ? options.standInId() : marathon.standInId();
    }

    /** The Docker engine as the pipeline uses it ({@code tcp://} of its proxy), or null for the default socket. */
    public String dockerHost() {
        return proxies.containsKey(DOCKER) ? "tcp://" + proxies.get(DOCKER).address() : null;
    }

    /** The proxy in front of {@code part} ({@link #CONSUL}, {@link #MARATHON}, ...); only with fault proxies on. */
    public FaultProxy proxy(String part) {
        FaultProxy proxy = proxies.get(part);
        if (proxy == null) {
            throw new IllegalArgumentException("no proxy in front of '" + part + "' (fault proxies "
                    + (options.faultProxies() ? "on: " + proxies.keySet() : "off") + ")");
        }
        return proxy;
    }

    private void requireOwnParts() {
        if (options.attached()) {
            throw new IllegalStateException("the parts run elsewhere (attached): this stack cannot stop or start them");
        }
    }

    /** Stops the parts it started; attached parts are left as they are (their owner stops them). */
    @Override
    public void close() {
        if (options.attached()) {
            return;
        }
        if (proxies.containsKey(DOCKER)) {
            proxies.get(DOCKER).heal(); // the Marathon stand-in removes its containers through it
        }
        if (secondMarathon != null) {
            secondMarathon.close();
        }
        marathon.close();
        proxies.values().forEach(FaultProxy::close);
        consul.close();
        if (registry != null) {
            registry.close();
        }
        kafka.close();
    }

    private static int port(String url) {
        return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1).replaceAll("/.*", ""));
    }
}
