package dev.quayside.marathonapplier.health;

import dev.quayside.kit.health.CompactedTopicReadiness;
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
        return CompactedTopicReadiness.response("marathon-applier-definition-ledger", ledger.topic(), ledger.health());
    }
}
