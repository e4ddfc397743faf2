package dev.quayside.kit.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.kit.kafka.CompactedTopicMap;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

class CompactedTopicReadinessTest {

    @Test
    void upOnlyWhenCaughtUpAndReachable() {
        assertThat(status(true, true)).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(status(false, true)).as("still reading the topic").isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(status(true, false)).as("broker not answering").isEqualTo(HealthCheckResponse.Status.DOWN);
    }

    @Test
    void saysWhichTopicAndWhy() {
        HealthCheckResponse response = CompactedTopicReadiness.response("svc-ledger", "quayside.svc.ledger",
                new CompactedTopicMap.Health(false, false, Optional.of("TimeoutException: no broker")));
        assertThat(response.getName()).isEqualTo("svc-ledger");
        assertThat(response.getData()).hasValueSatisfying(data -> assertThat(data)
                .containsEntry("topic", "quayside.svc.ledger")
                .containsEntry("caughtUp", false)
                .containsEntry("kafkaReachable", false)
                .containsEntry("problem", "TimeoutException: no broker"));
        assertThat(CompactedTopicReadiness.response("n", "t", new CompactedTopicMap.Health(true, true,
                Optional.empty())).getData()).hasValueSatisfying(data -> assertThat(data).containsEntry("problem", "none"));
    }

    private static HealthCheckResponse.Status status(boolean caughtUp, boolean reachable) {
        return CompactedTopicReadiness.response("n", "t", new CompactedTopicMap.Health(caughtUp, reachable,
                Optional.empty())).getStatus();
    }
}
