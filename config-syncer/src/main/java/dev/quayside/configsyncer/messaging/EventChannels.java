package dev.quayside.configsyncer.messaging;

import dev.quayside.configsyncer.service.CommitPushedHandler;
import dev.quayside.configsyncer.service.ImageBuiltHandler;
import dev.quayside.configsyncer.service.ServiceRolledBackHandler;
import dev.quayside.events.IncomingEvent;
import dev.quayside.kit.messaging.EventConsumer;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * config-syncer's channel methods, in order and blocking: {@code quayside.image-built} → the tag write-back,
 * {@code quayside.commit-pushed} → the mirror of config repositories into Consul, {@code quayside.deployed} → the
 * rollback write-back (its {@code ServiceRolledBack} events; the topic's other events are skipped).
 */
@ApplicationScoped
class EventChannels {

    private final EventConsumer consumer;
    private final ImageBuiltHandler imageBuilt;
    private final CommitPushedHandler commitPushed;
    private final ServiceRolledBackHandler rolledBack;

    EventChannels(EventConsumer consumer, ImageBuiltHandler imageBuilt, CommitPushedHandler commitPushed,
            ServiceRolledBackHandler rolledBack) {
        this.consumer = consumer;
        this.imageBuilt = imageBuilt;
        this.commitPushed = commitPushed;
        this.rolledBack = rolledBack;
    }

    @Incoming(Channels.IMAGE_BUILT)
    @Blocking
    CompletionStage<Void> onImageBuilt(Message<IncomingEvent> message) {
        return consumer.consume(message, imageBuilt);
    }

    @Incoming(Channels.COMMIT_PUSHED)
    @Blocking
    CompletionStage<Void> onCommitPushed(Message<IncomingEvent> message) {
        return consumer.consume(message, commitPushed);
    }

    @Incoming(Channels.DEPLOYED)
    @Blocking
    CompletionStage<Void> onDeployed(Message<IncomingEvent> message) {
        return consumer.consume(message, rolledBack);
    }
}
