package dev.quayside.gitwatcher.support;

import dev.quayside.devstack.kafka.KafkaBroker;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * git-watcher on a real broker of its own, which a test may stop and start again on the same port and data (an
 * outage), without disturbing the broker the other tests share.
 */
public class OwnBrokerProfile implements QuarkusTestProfile {

    private static Path data;
    private static int port;
    private static KafkaBroker broker;

    /** Starts the broker (again): on its first start on a free port, later on the same one. */
    public static synchronized String start() {
        try {
            if (data == null) {
                data = Files.createTempDirectory("git-watcher-own-broker-");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (broker == null || !broker.isRunning()) {
            broker = KafkaBroker.start(new KafkaBroker.Options(port, data, 1, true));
            port = Integer.parseInt(broker.bootstrapServers().split(":")[1]);
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        }
        return broker.bootstrapServers();
    }

    /** Stops the broker (the outage begins). */
    public static synchronized void stop() {
        broker.close();
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        String bootstrap = start();
        return Map.of("kafka.bootstrap.servers", bootstrap,
                "mp.messaging.connector.smallrye-kafka.bootstrap.servers", bootstrap,
                // requests give up quickly while Kafka is away, so the hook's retries are exercised within the test
                "quayside.git-watcher.dedup.timeout", "2s",
                // the event must come from the hook's retries, not from a poll
                "quayside.git-watcher.repositories.hooked.poll-interval", "0s");
    }
}
