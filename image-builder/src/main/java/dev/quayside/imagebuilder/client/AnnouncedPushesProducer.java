package dev.quayside.imagebuilder.client;

import dev.quayside.imagebuilder.config.BuilderConfig;
import dev.quayside.kit.kafka.CompactedTopicMaps;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Makes {@link AnnouncedPushes} a bean on the service's Kafka configuration, started with the application so that its
 * topic is read before the first push is handled.
 */
@ApplicationScoped
class AnnouncedPushesProducer {

    @Produces
    @Singleton
    AnnouncedPushes announcedPushes(BuilderConfig config, CompactedTopicMaps maps) {
        BuilderConfig.Announced announced = config.announced();
        return new AnnouncedPushes(maps, new AnnouncedPushes.Settings(announced.topic(), announced.partitions(),
                announced.replicationFactor(), announced.timeout(), announced.retention()));
    }

    void close(@Disposes AnnouncedPushes announced) {
        announced.close();
    }

    void start(@Observes StartupEvent event, AnnouncedPushes announced) {
        // creating the bean starts reading the topic
    }
}
