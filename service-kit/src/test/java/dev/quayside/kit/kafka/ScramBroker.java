package dev.quayside.kit.kafka;

import dev.quayside.devstack.common.FreePorts;
import dev.quayside.devstack.kafka.KafkaBroker;
import dev.quayside.devstack.kafka.KafkaBrokerMain;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * A real Kafka broker (the devstack's broker main class and class path, in a child JVM on 127.0.0.1) with a
 * SASL/SCRAM-SHA-512 listener besides a plain one used only to create the user, as a production cluster with SCRAM
 * authentication is reached. (devstack's {@code KafkaBroker} has no SCRAM option yet.)
 */
final class ScramBroker implements AutoCloseable {

    static final String USER = "quayside";
    static final String PASSWORD = "scram-test-password";

    private final Process process;
    private final String scramBootstrap;

    private ScramBroker(Process process, String scramBootstrap) {
        this.process = process;
        this.scramBootstrap = scramBootstrap;
    }

    static ScramBroker start() throws Exception {
        Path dir = Files.createTempDirectory("quayside-kafka-scram-");
        List<Integer> ports = FreePorts.pick(3, List.of());
        int plain = ports.get(0);
        int scram = ports.get(1);
        int controller = ports.get(2);
        Path config = dir.resolve("server.properties");
        Files.writeString(config, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controller,
                "listeners=PLAINTEXT://127.0.0.1:" + plain + ",SASL_PLAINTEXT://127.0.0.1:" + scram
                        + ",CONTROLLER://127.0.0.1:" + controller,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + plain + ",SASL_PLAINTEXT://127.0.0.1:" + scram,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
                "sasl.enabled.mechanisms=SCRAM-SHA-512",
                "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config="
                        + "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "log.dirs=" + dir.resolve("logs"),
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                ""));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", classPath(), KafkaBrokerMain.class.getName(), config.toString(), "scramTestClusterIdAAAA",
                "--exit-on-stdin-eof").redirectErrorStream(true)
                .redirectOutput(dir.resolve("broker.log").toFile()).start();
        ScramBroker broker = new ScramBroker(process, "127.0.0.1:" + scram);
        String plainBootstrap = "127.0.0.1:" + plain;
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (!KafkaBroker.answers(plainBootstrap)) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                broker.close();
                throw new IllegalStateException("the SCRAM broker did not start: see " + dir.resolve("broker.log"));
            }
            Thread.sleep(200);
        }
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, plainBootstrap);
        try (Admin client = Admin.create(admin)) {
            client.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(USER,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), PASSWORD))).all()
                    .get(30, TimeUnit.SECONDS);
        }
        return broker;
    }

    /** The service's {@code kafka.*} configuration for this broker, as Quarkus hands it over. */
    Map<String, Object> clientConfig(String password) {
        return Map.of("bootstrap.servers", scramBootstrap, "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + USER
                        + "\" password=\"" + password + "\";");
    }

    String scramBootstrap() {
        return scramBootstrap;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String classPath() throws IOException, URISyntaxException {
        try (InputStream in = KafkaBroker.class.getResourceAsStream("broker.classpath")) {
            if (in == null) {
                throw new IllegalStateException("broker.classpath is missing: build devstack-kafka with Maven");
            }
            String own = Path.of(KafkaBrokerMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
            return own + java.io.File.pathSeparator + new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }
}
