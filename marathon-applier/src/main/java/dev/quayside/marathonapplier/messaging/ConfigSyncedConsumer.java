package dev.quayside.marathonapplier.messaging;

import dev.quayside.events.ConfigSynced;
import dev.quayside.events.IncomingEvent;
import dev.quayside.events.MalformedEventException;
import dev.quayside.marathonapplier.service.ConfigSyncedHandler;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * {@code quayside.config-synced} in: apply, publish the outcomes, then acknowledge (the offset is committed only after
 * the effect). A malformed record is logged with its position and dead-lettered; a retryable failure after the
 * service's own retries is dead-lettered too.
 */
@ApplicationScoped
class ConfigSyncedConsumer {

    private final ConfigSyncedHandler handler;
    private final DeploymentEvents events;

    ConfigSyncedConsumer(ConfigSyncedHandler handler, DeploymentEvents events) {
        this.handler = handler;
        this.events = events;
    }

    @Incoming(Channels.CONFIG_SYNCED)
    @Blocking
    CompletionStage<Void> onConfigSynced(Message<IncomingEvent> message) {
        IncomingEvent incoming = message.getPayload();
        try {
            if (!incoming.isMalformed() && !incoming.is(ConfigSynced.class)) {
                return message.ack(); // another type on the topic: not ours
            }
            events.publish(handler.handle(incoming.require(ConfigSynced.class)));
            return message.ack();
        } catch (MalformedEventException e) {
            String where = message.getMetadata(IncomingKafkaRecordMetadata.class)
                    .map(m -> m.getTopic() + "-" + m.getPartition() + "@" + m.getOffset()).orElse("?");
            Log.errorf("malformed record %s: %s (dead-lettered)", where, e.getMessage());
            return message.nack(e);
        } catch (RuntimeException e) {
            Log.errorf(e, "could not apply %s", incoming);
            return message.nack(e);
        }
    }
}
