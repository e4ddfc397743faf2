package dev.quayside.marathonapplier.client;

import dev.quayside.kit.kafka.CompactedTopicMaps;
import dev.quayside.marathonapplier.config.ApplierConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Makes the {@link DefinitionLedger} a bean on the service's Kafka configuration, started with the application so that
 * its topic is read before the first drift pass.
 */
@ApplicationScoped
class DefinitionLedgerProducer {

    @Produces
    @Singleton
    DefinitionLedger ledger(ApplierConfig config, CompactedTopicMaps maps) {
        ApplierConfig.Ledger ledger = config.ledger();
        return new DefinitionLedger(maps, new DefinitionLedger.Settings(ledger.topic(), ledger.partitions(),
                ledger.replicationFactor(), ledger.timeout()));
    }

    void close(@Disposes DefinitionLedger ledger) {
        ledger.close();
    }

    void start(@Observes StartupEvent event, DefinitionLedger ledger) {
        // creating the bean starts reading the topic
    }
}
