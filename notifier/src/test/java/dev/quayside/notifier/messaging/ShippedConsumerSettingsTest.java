package dev.quayside.notifier.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The consumer settings the notifier ships with, as the {@code prod} profile reads them (the tests run with
 * {@code test}, so they cannot show a setting that only production has). A partition with no committed offset — a new
 * group, a new partition, expired group offsets, or a notifier killed with {@code kill -9} before its first
 * acknowledgement there — must be read from its start, or the events published meanwhile are never notified; the
 * sent log's baseline keeps a first install from posting the topics' history.
 */
class ShippedConsumerSettingsTest {

    static final List<String> CHANNELS = List.of(EventChannels.COMMIT_PUSHED, EventChannels.BUILDS,
            EventChannels.IMAGE_BUILT, EventChannels.TAG_UPDATED, EventChannels.CONFIG_SYNCED, EventChannels.DEPLOYED,
            EventChannels.CONTAINER_STARTED, EventChannels.ROUTES_UPDATED);

    @Test
    void aPartitionWithoutACommittedOffsetIsReadFromItsStartInProduction() throws Exception {
        SmallRyeConfig prod = shipped("prod");
        for (String channel : CHANNELS) {
            String prefix = "mp.messaging.incoming." + channel + ".";
            assertThat(effective(prod, channel, "auto.offset.reset")).as(channel).isEqualTo("earliest");
            // acknowledged only once its notifications settled, never automatically
            assertThat(prod.getOptionalValue(prefix + "enable.auto.commit", String.class)).as(channel)
                    .hasValue("false");
        }
    }

    /** The channel's own value, else the connector's (how SmallRye Reactive Messaging merges them). */
    static String effective(SmallRyeConfig config, String channel, String key) {
        return config.getOptionalValue("mp.messaging.incoming." + channel + "." + key, String.class)
                .or(() -> config.getOptionalValue("mp.messaging.connector.smallrye-kafka." + key, String.class))
                .orElse("latest");
    }

    /** The shipped {@code application.properties} read with {@code profile}. */
    static SmallRyeConfig shipped(String profile) throws Exception {
        URL shipped = ShippedConsumerSettingsTest.class.getClassLoader().getResource("application.properties");
        assertThat(shipped).as("notifier's application.properties").isNotNull();
        return new SmallRyeConfigBuilder().withProfile(profile).withSources(new PropertiesConfigSource(shipped))
                .build();
    }
}
