package dev.quayside.gitwatcher.client;

import dev.quayside.gitwatcher.config.GitWatcherConfig;
import dev.quayside.kit.kafka.CompactedTopicMaps;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Makes the {@link DeliveryLog} a bean on the service's Kafka configuration, started with the application so its state
 * is read before requests come.
 */
@ApplicationScoped
class DeliveryLogProducer {

    @Produces
    @Singleton
    DeliveryLog deliveryLog(GitWatcherConfig config, CompactedTopicMaps maps, MeterRegistry meters) {
        GitWatcherConfig.Dedup dedup = config.dedup();
        return new DeliveryLog(maps, new DeliveryLog.Settings(dedup.topic(), dedup.partitions(),
                dedup.replicationFactor(), dedup.claimLease(), dedup.timeout(), dedup.deliveryRetention(),
                dedup.pushRetention()), meters);
    }

    void close(@Disposes DeliveryLog log) {
        log.close();
    }

    void start(@Observes StartupEvent event, DeliveryLog log) {
        // creating the bean starts reading the topic
    }
}
