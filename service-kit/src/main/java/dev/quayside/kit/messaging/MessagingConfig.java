package dev.quayside.kit.messaging;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How events are published: {@code quayside.messaging.*}, the same in every service. */
@ConfigMapping(prefix = "quayside.messaging")
public interface MessagingConfig {

    /**
     * How long {@link EventPublisher} waits for the broker to acknowledge one event before it counts as not published.
     * Longer than the producer's own {@code delivery.timeout.ms} (120 s by default), so an event is never given up on
     * while the producer may still deliver it.
     */
    @WithDefault("150s")
    Duration ackTimeout();
}
