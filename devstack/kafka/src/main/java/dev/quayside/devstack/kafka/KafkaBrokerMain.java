package dev.quayside.devstack.kafka;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Entry point of the broker's own JVM: formats the KRaft storage when needed and runs a single-node broker+controller.
 * Arguments: {@code <server.properties> <clusterId> [--exit-on-stdin-eof] [--add-scram=<mechanism>=[name=..,password=..]]}.
 * With the first flag, the broker stops when its parent closes standard input (the parent died), so no broker outlives
 * the tests that started it; the second creates a SCRAM user when the storage is formatted (KRaft keeps SCRAM users in
 * its metadata log, so they must exist before the broker's own listener can log in).
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
        boolean exitWithParent = false;
        java.util.List<String> format = new java.util.ArrayList<>(java.util.List.of("format", "--ignore-formatted",
                "--cluster-id=" + clusterId, "-c", config.toString()));
        for (int i = 2; i < args.length; i++) {
            if (args[i].equals("--exit-on-stdin-eof")) {
                exitWithParent = true;
            } else if (args[i].startsWith("--add-scram=")) {
                format.add("--add-scram");
                format.add(args[i].substring("--add-scram=".length()));
            }
        }
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            PrintStream out = System.out;
            int rc = kafka.tools.StorageTool.execute(format.toArray(String[]::new), out);
            if (rc != 0) {
                System.err.println("formatting " + logDir + " failed with " + rc);
                System.exit(rc);
            }
        }
        if (exitWithParent) {
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
