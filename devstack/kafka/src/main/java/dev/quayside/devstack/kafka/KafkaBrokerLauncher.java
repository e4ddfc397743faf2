package dev.quayside.devstack.kafka;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bin/quayside devstack kafka [--port 9092] [--data-dir .quayside/kafka] [--partitions 3] [--topics a,b]}:
 * runs a broker in the foreground for the local run, keeping its data between runs.
 */
public final class KafkaBrokerLauncher {

    private KafkaBrokerLauncher() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = 9092;
        Path dataDir = Path.of(".quayside", "kafka");
        int partitions = 3;
        List<String> topics = List.of();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(require(args[i], value));
                case "--data-dir" -> dataDir = Path.of(require(args[i], value));
                case "--partitions" -> partitions = Integer.parseInt(require(args[i], value));
                case "--topics" -> topics = Arrays.asList(require(args[i], value).split(","));
                default -> {
                    System.err.println("unknown option " + args[i]
                            + "; usage: --port N --data-dir DIR --partitions N --topics a,b");
                    System.exit(2);
                }
            }
            i++;
        }
        KafkaBroker broker = KafkaBroker.start(new KafkaBroker.Options(port, dataDir.toAbsolutePath(), partitions, false));
        if (!topics.isEmpty()) {
            KafkaBroker.createTopics(broker.bootstrapServers(), partitions, topics, Map.of());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }));
        // announced once SIGTERM stops the broker process too (before the hook, it outlived this JVM)
        System.out.println("Kafka broker ready on " + broker.bootstrapServers() + " (data in " + broker.dataDir()
                + ", log " + broker.logFile() + ")");
        stopped.await();
    }

    private static String require(String option, String value) {
        if (value == null) {
            System.err.println(option + " needs a value");
            System.exit(2);
        }
        return value;
    }
}
