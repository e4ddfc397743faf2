package dev.quayside.gitwatcher.client;

import dev.quayside.gitwatcher.config.GitWatcherConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Makes the {@link DeliveryLog} a bean, started with the application so its state is read before requests come. */
@ApplicationScoped
class DeliveryLogProducer {

    @Produces
    @Singleton
    DeliveryLog deliveryLog(GitWatcherConfig config,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        GitWatcherConfig.Dedup dedup = config.dedup();
        return new DeliveryLog(bootstrapServers, dedup.topic(), dedup.partitions(), dedup.replicationFactor(),
                dedup.claimLease(), dedup.timeout());
    }

    void close(@Disposes DeliveryLog log) {
        log.close();
    }

    void start(@Observes StartupEvent event, DeliveryLog log) {
        // creating the bean starts reading the topic
    }
}
