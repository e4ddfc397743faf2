package dev.quayside.configsyncer.messaging;

import dev.quayside.configsyncer.service.CommitPushedHandler;
import dev.quayside.configsyncer.service.DeployedHandler;
import dev.quayside.configsyncer.service.ImageBuiltHandler;
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
 * rollback write-back ({@code ServiceRolledBack}) and promotion (successes: {@code ServiceDeployed}, a redeploying
 * {@code ServiceUpgraded}); the topic's other events are skipped.
 */
@ApplicationScoped
class EventChannels {

    private final EventConsumer consumer;
    private final ImageBuiltHandler imageBuilt;
    private final CommitPushedHandler commitPushed;
    private final DeployedHandler deployed;

    EventChannels(EventConsumer consumer, ImageBuiltHandler imageBuilt, CommitPushedHandler commitPushed,
            DeployedHandler deployed) {
        this.consumer = consumer;
        this.imageBuilt = imageBuilt;
        this.commitPushed = commitPushed;
        this.deployed = deployed;
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
        return consumer.consume(message, deployed);
    }
}
