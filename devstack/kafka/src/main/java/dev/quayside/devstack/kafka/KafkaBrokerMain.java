package dev.quayside.devstack.kafka;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Entry point of the broker's own JVM: formats the KRaft storage when needed and runs a single-node broker+controller.
 * Arguments: {@code <server.properties> <clusterId> [--exit-on-stdin-eof]}. With the flag, the broker stops when its
 * parent closes standard input (the parent died), so no broker outlives the tests that started it.
 */
public final class KafkaBrokerMain {

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: KafkaBrokerMain <server.properties> <clusterId> [--exit-on-stdin-eof]");
            System.exit(2);
        }
        Path config = Path.of(args[0]);
        String clusterId = args[1];
        Properties properties = new Properties();
        try (var in = Files.newInputStream(config)) {
            properties.load(in);
        }
        Path logDir = Path.of(properties.getProperty("log.dirs"));
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            PrintStream out = System.out;
            int rc = kafka.tools.StorageTool.execute(
                    new String[] {"format", "--ignore-formatted", "--cluster-id=" + clusterId, "-c", config.toString()}, out);
            if (rc != 0) {
                System.err.println("formatting " + logDir + " failed with " + rc);
                System.exit(rc);
            }
        }
        if (args.length > 2 && args[2].equals("--exit-on-stdin-eof")) {
            Thread watcher = new Thread(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // the parent keeps the pipe open while it lives
                    }
                } catch (IOException ignored) {
                    // treated as end of input
                }
                System.exit(0);
            }, "parent-watcher");
            watcher.setDaemon(true);
            watcher.start();
        }
        kafka.Kafka.main(new String[] {config.toString()});
    }
}
