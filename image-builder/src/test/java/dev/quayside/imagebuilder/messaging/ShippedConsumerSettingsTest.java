package dev.quayside.imagebuilder.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.net.URL;
import org.junit.jupiter.api.Test;

/**
 * The consumer settings image-builder ships with, as the {@code prod} profile reads them (the tests run with
 * {@code test}, so they cannot show a setting that only production lacks). A partition with no committed offset — a
 * new group, or a service killed with {@code kill -9} before its first acknowledgement on that partition — must be
 * read from its start: {@code bin/quayside chaos kill-image-builder} and {@code rebalance-image-builder} lost 5 of 18
 * commits each when it was read from its end (Kafka's default, {@code latest}).
 */
class ShippedConsumerSettingsTest {

    @Test
    void aPartitionWithoutACommittedOffsetIsReadFromItsStartInProduction() throws Exception {
        URL shipped = getClass().getClassLoader().getResource("application.properties");
        assertThat(shipped).as("image-builder's application.properties").isNotNull();
        SmallRyeConfig prod = new SmallRyeConfigBuilder().withProfile("prod")
                .withSources(new PropertiesConfigSource(shipped)).build();
        String prefix = "mp.messaging.incoming.commit-pushed.";
        assertThat(prod.getOptionalValue(prefix + "auto.offset.reset", String.class)).hasValue("earliest");
        // and the record is acknowledged only once its build is announced, never automatically
        assertThat(prod.getOptionalValue(prefix + "enable.auto.commit", String.class)).hasValue("false");
    }
}
