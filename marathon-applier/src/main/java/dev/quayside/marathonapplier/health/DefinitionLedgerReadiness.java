package dev.quayside.marathonapplier.health;

import dev.quayside.kit.kafka.CompactedTopicMap;
import dev.quayside.marathonapplier.client.DefinitionLedger;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the ledger of handled and rolled-back definitions has been read to its end (before that, no drift pass
 * runs: it could not tell a rolled-back definition), and only while the broker answers.
 */
@Readiness
@ApplicationScoped
class DefinitionLedgerReadiness implements HealthCheck {

    private final DefinitionLedger ledger;

    DefinitionLedgerReadiness(DefinitionLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public HealthCheckResponse call() {
        CompactedTopicMap.Health health = ledger.health();
        return HealthCheckResponse.named("marathon-applier-definition-ledger")
                .status(health.ready())
                .withData("topic", ledger.topic())
                .withData("caughtUp", health.caughtUp())
                .withData("kafkaReachable", health.reachable())
                .withData("problem", health.problem().orElse("none"))
                .build();
    }
}
