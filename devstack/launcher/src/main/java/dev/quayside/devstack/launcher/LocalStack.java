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
import java.util.List;
import java.util.Map;

/**
 * The devstack parts of one local run, in this process: the real Kafka broker (a child JVM), the real registry
 * (Debian's docker-registry), the Consul stand-in, and the Marathon and Chronos stand-ins running real containers.
 */
public final class LocalStack implements AutoCloseable {

    /** Default ports of the local run (architecture.md); tests use {@link #RANDOM}. */
    public record Ports(int kafka, int registry, int consul, int marathon, int chronos) {
    }

    public static final Ports DEFAULT_PORTS = new Ports(9092, 5000, 8500, 8080, 4400);
    public static final Ports RANDOM = new Ports(0, 0, 0, 0, 0);

    private final KafkaBroker kafka;
    private final LocalRegistry registry;
    private final ConsulStandIn consul;
    private final MarathonStandIn marathon;

    private LocalStack(KafkaBroker kafka, LocalRegistry registry, ConsulStandIn consul, MarathonStandIn marathon) {
        this.kafka = kafka;
        this.registry = registry;
        this.consul = consul;
        this.marathon = marathon;
    }

    /**
     * Starts every part; {@code home} keeps Kafka's and the registry's data ({@code .quayside/} for the local run, a
     * temporary folder in tests). {@code standInId} names the Marathon stand-in's containers (null: a random test id).
     * What started is stopped again if a later part fails.
     */
    public static LocalStack start(Path home, Ports ports, Duration deploymentTimeout, String standInId) {
        DockerEngine.requireRunning();
        List<AutoCloseable> started = new ArrayList<>();
        try {
            KafkaBroker kafka = KafkaBroker.start(new KafkaBroker.Options(ports.kafka(), home.resolve("kafka"), 3, true));
            started.add(kafka);
            KafkaBroker.createTopics(kafka.bootstrapServers(), 3, Topics.ALL, Map.of());
            LocalRegistry registry = LocalRegistry.start(ports.registry(), home.resolve("registry"));
            started.add(registry);
            ConsulStandIn consul = ConsulStandIn.start(ConsulStandIn.Options.defaults().port(ports.consul()));
            started.add(consul);
            MarathonStandIn.Options marathonOptions = new MarathonStandIn.Options()
                    .marathonPort(ports.marathon()).chronosPort(ports.chronos()).deploymentTimeout(deploymentTimeout);
            if (standInId != null) {
                marathonOptions.standInId(standInId);
            }
            MarathonStandIn marathon = MarathonStandIn.start(marathonOptions);
            return new LocalStack(kafka, registry, consul, marathon);
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

    public String kafkaBootstrap() {
        return kafka.bootstrapServers();
    }

    public String registryAddress() {
        return registry.address();
    }

    public LocalRegistry registry() {
        return registry;
    }

    public String consulUrl() {
        return consul.url();
    }

    public ConsulStandIn consul() {
        return consul;
    }

    public String marathonUrl() {
        return marathon.marathonUrl();
    }

    public String chronosUrl() {
        return marathon.chronosUrl();
    }

    @Override
    public void close() {
        marathon.close();
        consul.close();
        registry.close();
        kafka.close();
    }
}
