package dev.quayside.devstack.kafka;

import dev.quayside.devstack.common.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A real Apache Kafka broker (KRaft, single node, broker and controller in one process) running in a child JVM on
 * 127.0.0.1. Tests share one broker per JVM through {@link #shared()}; the local run starts one on a fixed port.
 */
public final class KafkaBroker implements AutoCloseable {

    /** System property through which every class loader of one JVM finds the shared broker. */
    public static final String SHARED_BOOTSTRAP_PROPERTY = "quayside.devstack.kafka.bootstrap";

    private static final Logger LOG = Logger.getLogger(KafkaBroker.class.getName());
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static KafkaBroker shared;

    private final Process process;
    private final String bootstrapServers;
    private final Path dataDir;
    private final Path logFile;
    private final Scram scram;

    private KafkaBroker(Process process, String bootstrapServers, Path dataDir, Path logFile, Scram scram) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.scram = scram;
    }

    /**
     * Options of a broker; {@code port} 0 picks a free one, {@code dataDir} null uses a temporary folder;
     * {@code scram} non-null makes the client listener require SASL/SCRAM-SHA-256 authentication.
     */
    public record Options(int port, Path dataDir, int defaultPartitions, boolean exitWithParent, Scram scram) {

        public Options(int port, Path dataDir, int defaultPartitions, boolean exitWithParent) {
            this(port, dataDir, defaultPartitions, exitWithParent, null);
        }

        public static Options forTests() {
            return new Options(0, null, 1, true);
        }

        /** These options with a client listener that only lets {@code scram}'s user in. */
        public Options withScram(Scram scram) {
            return new Options(port, dataDir, defaultPartitions, exitWithParent, scram);
        }
    }

    /**
     * A SASL/SCRAM-SHA-256 user: the broker's one user (also used between the broker and itself), created in the
     * storage when it is formatted, as {@code kafka-storage format --add-scram} does.
     */
    public record Scram(String username, String password) {

        public Scram {
            if (!username.matches("[A-Za-z0-9._-]+") || !password.matches("[A-Za-z0-9._~+/=-]+")) {
                throw new IllegalArgumentException("SCRAM user and password: letters, digits and ._-~+/= only");
            }
        }

        /** The JAAS line a client (or the broker's listener) logs in with. */
        public String jaasConfig() {
            return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + username
                    + "\" password=\"" + password + "\";";
        }

        /** The Kafka client properties that authenticate as this user. */
        public Map<String, String> clientProperties() {
            return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-256",
                    "sasl.jaas.config", jaasConfig());
        }
    }

    /**
     * The broker shared by everything in this JVM, started on first use and stopped when the JVM exits. Also found by
     * other class loaders (Quarkus tests) through {@link #SHARED_BOOTSTRAP_PROPERTY}.
     */
    public static synchronized String sharedBootstrapServers() {
        String existing = System.getProperty(SHARED_BOOTSTRAP_PROPERTY);
        if (existing != null && answers(existing)) {
            return existing;
        }
        return shared().bootstrapServers();
    }

    /** The broker shared by everything loaded by this class loader (see {@link #sharedBootstrapServers()}). */
    public static synchronized KafkaBroker shared() {
        if (shared == null || !shared.process.isAlive()) {
            shared = start(Options.forTests());
            KafkaBroker broker = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-broker-shutdown"));
            System.setProperty(SHARED_BOOTSTRAP_PROPERTY, broker.bootstrapServers());
        }
        return shared;
    }

    /** Starts a broker and waits until it answers metadata requests. */
    public static KafkaBroker start(Options options) {
        try {
            Path dataDir = options.dataDir() != null ? options.dataDir() : Files.createTempDirectory("quayside-kafka-");
            Files.createDirectories(dataDir);
            List<Integer> free = FreePorts.pick(2, List.of(options.port()));
            int port = options.port() == 0 ? free.get(0) : options.port();
            int controllerPort = free.get(1);
            Path config = dataDir.resolve("server.properties");
            Files.writeString(config, serverProperties(port, controllerPort, dataDir.resolve("logs"),
                    options.defaultPartitions(), options.scram()));
            Path logFile = dataDir.resolve("broker.log");
            List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xms128m", "-Xmx512m",
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
                    "-cp", brokerClassPath(), KafkaBrokerMain.class.getName(), config.toString(),
                    clusterId(dataDir)));
            if (options.exitWithParent()) {
                command.add("--exit-on-stdin-eof");
            }
            if (options.scram() != null) {
                command.add("--add-scram=SCRAM-SHA-256=[name=" + options.scram().username() + ",password="
                        + options.scram().password() + "]");
            }
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            String bootstrap = "127.0.0.1:" + port;
            KafkaBroker broker = new KafkaBroker(process, bootstrap, dataDir, logFile, options.scram());
            broker.awaitReady();
            LOG.info(() -> "Kafka broker ready on " + bootstrap + " (data in " + dataDir + ")");
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the Kafka broker", e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * What a Kafka client needs besides {@code bootstrap.servers} to talk to this broker: nothing, or the SASL/SCRAM
     * login when the broker requires one.
     */
    public Map<String, String> clientProperties() {
        return scram == null ? Map.of() : scram.clientProperties();
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Creates topics that do not exist yet, each with {@code partitions} partitions; existing ones are left alone. */
    public void createTopics(int partitions, Collection<String> topics) {
        createTopics(bootstrapServers, clientProperties(), partitions, topics, Map.of());
    }

    /** Creates topics on any broker; {@code configs} applies to every topic (e.g. compaction). */
    public static void createTopics(String bootstrapServers, int partitions, Collection<String> topics,
            Map<String, String> configs) {
        createTopics(bootstrapServers, Map.of(), partitions, topics, configs);
    }

    /** Like {@link #createTopics(String, int, Collection, Map)}, logging in with {@code client} properties. */
    public static void createTopics(String bootstrapServers, Map<String, String> client, int partitions,
            Collection<String> topics, Map<String, String> configs) {
        try (Admin admin = admin(bootstrapServers, client)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, partitions, (short) 1).configs(configs))
                    .collect(Collectors.toList());
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create topics " + topics + " on " + bootstrapServers, e);
        }
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void awaitReady() {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Kafka broker exited with " + process.exitValue() + ":\n" + logTail());
            }
            if (answers(bootstrapServers, clientProperties())) {
                return;
            }
            sleep(200);
        }
        close();
        throw new IllegalStateException("the Kafka broker did not become ready within " + START_TIMEOUT + ":\n"
                + logTail());
    }

    /** True when a broker at {@code bootstrapServers} answers a metadata request. */
    public static boolean answers(String bootstrapServers) {
        return answers(bootstrapServers, Map.of());
    }

    /** Like {@link #answers(String)}, logging in with {@code client} properties. */
    public static boolean answers(String bootstrapServers, Map<String, String> client) {
        String[] hostPort = bootstrapServers.split(",")[0].split(":");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 500);
        } catch (IOException | RuntimeException e) {
            return false;
        }
        try (Admin admin = admin(bootstrapServers, client)) {
            return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return false;
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static Admin admin(String bootstrapServers, Map<String, String> client) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        return Admin.create(props);
    }

    static String serverProperties(int port, int controllerPort, Path logDir, int partitions, Scram scram) {
        String listener = scram == null ? "PLAINTEXT" : "SASL_PLAINTEXT";
        String sasl = scram == null ? "" : String.join("\n",
                "sasl.enabled.mechanisms=SCRAM-SHA-256",
                "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-256",
                "listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=" + scram.jaasConfig(),
                "");
        return sasl + String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=" + listener + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=" + listener + "://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=" + listener,
                "listener.security.protocol.map=" + listener + ":" + listener + ",CONTROLLER:PLAINTEXT",
                "log.dirs=" + logDir,
                "num.partitions=" + partitions,
                "auto.create.topics.enable=true",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "log.flush.interval.messages=9223372036854775807",
                "") ;
    }

    /** A stable cluster id per data directory, so a restarted local broker keeps its data. */
    private static String clusterId(Path dataDir) throws IOException {
        Path file = dataDir.resolve("cluster.id");
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        // Kafka's own form (22 base64url characters); one starting with '-' would read as an option
        String id;
        do {
            byte[] bytes = new byte[16];
            new java.security.SecureRandom().nextBytes(bytes);
            id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        } while (id.startsWith("-"));
        Files.writeString(file, id);
        return id;
    }

    /**
     * Names the broker's class path outright (a {@code dir/*} wildcard allowed) instead of the Maven one recorded at
     * build time in {@code broker.classpath}: the devstack image ({@code deploy/devstack/}) copies the jars elsewhere.
     */
    public static final String CLASS_PATH_PROPERTY = "quayside.kafka.broker-classpath";

    private static String brokerClassPath() throws IOException {
        String given = System.getProperty(CLASS_PATH_PROPERTY);
        if (given != null && !given.isBlank()) {
            return codeLocation(KafkaBrokerMain.class) + java.io.File.pathSeparator + given;
        }
        try (InputStream in = KafkaBroker.class.getResourceAsStream("broker.classpath")) {
            if (in == null) {
                throw new IllegalStateException("broker.classpath is missing: build devstack-kafka with Maven");
            }
            String dependencies = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            Set<String> entries = new HashSet<>();
            StringBuilder classPath = new StringBuilder(codeLocation(KafkaBrokerMain.class));
            for (String entry : dependencies.split(java.io.File.pathSeparator)) {
                if (!entry.isBlank() && entries.add(entry)) {
                    classPath.append(java.io.File.pathSeparator).append(entry);
                }
            }
            return classPath.toString();
        }
    }

    private static String codeLocation(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
