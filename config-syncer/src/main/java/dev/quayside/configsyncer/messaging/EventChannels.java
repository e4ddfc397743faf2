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
 * config-syncer's channel methods, blocking: {@code quayside.image-built} → the tag write-back (builds side by side),
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

    /**
     * Not in order: builds are handled side by side, so that the write-backs that wait for the config repository are
     * pushed together ({@code CommitBatches}); their order is the source commits' ancestry ({@code SourceOrder}), never
     * the order they arrived in. At most {@code smallrye.messaging.worker.write-back.max-concurrency} at once.
     */
    @Incoming(Channels.IMAGE_BUILT)
    @Blocking(value = "write-back", ordered = false)
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
