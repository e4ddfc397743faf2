package dev.quayside.kit.kafka;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;

/**
 * Opens {@link CompactedTopicMap}s with the service's Kafka client properties: Quarkus' {@code default-kafka-broker}
 * map, i.e. every {@code kafka.*} key of the service's configuration (bootstrap servers, SASL/SCRAM, TLS, …), the same
 * the service's channels use.
 */
@ApplicationScoped
public class CompactedTopicMaps {

    private final Map<String, ?> kafka;

    @Inject
    public CompactedTopicMaps(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.kafka = Map.copyOf(kafka);
    }

    /** Plain code and tests: maps with these client properties. */
    public static CompactedTopicMaps of(Map<String, ?> kafka) {
        return new CompactedTopicMaps(new HashMap<String, Object>(kafka));
    }

    /** Opens a map (its reader starts at once); close it when done. */
    public CompactedTopicMap open(CompactedTopicMap.Options options, CompactedTopicMap.Listener listener) {
        return new CompactedTopicMap(kafka, options, listener);
    }
}
