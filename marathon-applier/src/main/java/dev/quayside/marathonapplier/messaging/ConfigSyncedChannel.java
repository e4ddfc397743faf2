package dev.quayside.marathonapplier.messaging;

import dev.quayside.events.IncomingEvent;
import dev.quayside.kit.messaging.EventConsumer;
import dev.quayside.marathonapplier.service.ConfigSyncedHandler;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * {@code quayside.config-synced} in. Called in record order, one record at a time; the sync's work is queued per app
 * and the method returns without waiting for it (the handler waits here only for a free in-flight slot), so later
 * syncs of other apps go ahead while earlier deployments run. The kit acknowledges the record once all its work is
 * done and its outcomes are published ({@code throttled} commits only offsets below which every record is settled).
 */
@ApplicationScoped
class ConfigSyncedChannel {

    private final EventConsumer consumer;
    private final ConfigSyncedHandler handler;

    ConfigSyncedChannel(EventConsumer consumer, ConfigSyncedHandler handler) {
        this.consumer = consumer;
        this.handler = handler;
    }

    @Incoming(Channels.CONFIG_SYNCED)
    @Blocking // ordered: one call at a time, in record order
    CompletionStage<Void> onConfigSynced(Message<IncomingEvent> message) {
        return consumer.consume(message, handler);
    }
}
