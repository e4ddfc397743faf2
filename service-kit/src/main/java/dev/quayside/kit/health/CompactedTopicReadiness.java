package dev.quayside.kit.health;

import dev.quayside.kit.kafka.CompactedTopicMap;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * The one shape of a readiness answer for state kept in a compacted topic ({@link CompactedTopicMap}): UP once the
 * topic has been read to its end and while the broker answers, with the topic, both conditions and the last problem
 * as data. A service's readiness check names its map and returns {@link #response}.
 */
public final class CompactedTopicReadiness {

    private CompactedTopicReadiness() {
    }

    /** The response named {@code name} for the map kept in {@code topic} whose health is {@code health}. */
    public static HealthCheckResponse response(String name, String topic, CompactedTopicMap.Health health) {
        return HealthCheckResponse.named(name)
                .status(health.ready())
                .withData("topic", topic)
                .withData("caughtUp", health.caughtUp())
                .withData("kafkaReachable", health.reachable())
                .withData("problem", health.problem().orElse("none"))
                .build();
    }
}
