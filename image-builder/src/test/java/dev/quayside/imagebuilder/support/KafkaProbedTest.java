package dev.quayside.imagebuilder.support;

import dev.quayside.devstack.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The set-up every {@code @QuarkusTest} of image-builder shares: the test broker (devstack's
 * {@link KafkaBrokerResource}, one for the whole run) and a {@link KafkaProbe} on it for the test class, opened before
 * its tests and closed after them. Each class still names its own registry and Git resources.
 */
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
public abstract class KafkaProbedTest {

    /** Sends to the service's input topic and reads everything it publishes. */
    protected static KafkaProbe kafka;

    @BeforeAll
    static void openKafkaProbe() {
        kafka = new KafkaProbe(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    }

    @AfterAll
    static void closeKafkaProbe() throws InterruptedException {
        kafka.close();
    }
}
