package dev.quayside.devstack.kafka;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Quarkus test resource: points {@code kafka.bootstrap.servers} at the JVM's shared real broker
 * ({@code @QuarkusTestResource(KafkaBrokerResource.class)} or {@code @WithTestResource}).
 * The broker outlives each test class and stops with the JVM.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        String bootstrap = KafkaBroker.sharedBootstrapServers();
        return Map.of("kafka.bootstrap.servers", bootstrap, "mp.messaging.connector.smallrye-kafka.bootstrap.servers",
                bootstrap);
    }

    @Override
    public void stop() {
        // shared per JVM: stopped by the shutdown hook
    }
}
