package dev.quayside.marathonapplier;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What a {@code @QuarkusTest} of marathon-applier works with, injected into it: the addresses of the real Kafka broker
 * and the Consul and Marathon stand-ins its test resources started, the sample app's images (built once the bean is
 * first used) and the {@link Outcomes} on {@code quayside.deployed} (followed from then on, until the application
 * stops).
 */
@Singleton
class Stack {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "quayside.consul.url")
    String consul;
    @ConfigProperty(name = "quayside.marathon.url")
    String marathon;

    private final Outcomes outcomes = new Outcomes();

    @PostConstruct
    void start() {
        try {
            MarathonApplierTest.buildImages();
        } catch (Exception e) {
            throw new IllegalStateException("could not build the sample app's images", e);
        }
        outcomes.listen(bootstrap);
    }

    @PreDestroy
    void stop() {
        try {
            outcomes.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String bootstrap() {
        return bootstrap;
    }

    String consul() {
        return consul;
    }

    String marathon() {
        return marathon;
    }

    Outcomes outcomes() {
        return outcomes;
    }
}
