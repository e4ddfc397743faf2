package dev.quayside.notifier.support;

import dev.quayside.notifier.config.NotifierConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;

/** The notifier's typed configuration as SmallRye maps it from a few properties, without starting Quarkus. */
public final class Configs {

    private Configs() {
    }

    public static NotifierConfig notifier(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(NotifierConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter()) // Quarkus' "60s" form
                .withSources(new PropertiesConfigSource(properties, "test", 100)).build();
        return config.getConfigMapping(NotifierConfig.class);
    }
}
