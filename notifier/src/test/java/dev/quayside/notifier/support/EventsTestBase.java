package dev.quayside.notifier.support;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** What the notifier's Quarkus tests share: a producer to the real broker and the notifications counter. */
public abstract class EventsTestBase {

    @Inject
    protected MeterRegistry registry;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    protected String bootstrapServers;

    protected TestEvents events;

    @BeforeEach
    void producer() {
        events = new TestEvents(bootstrapServers);
    }

    @AfterEach
    void closeProducer() {
        events.close();
    }

    /** {@code quayside.notifier.notifications} with this result and channel so far. */
    protected double count(String result, String channel) {
        Counter counter = registry.find("quayside.notifier.notifications").tags("result", result, "channel", channel)
                .counter();
        return counter == null ? 0 : counter.count();
    }
}
