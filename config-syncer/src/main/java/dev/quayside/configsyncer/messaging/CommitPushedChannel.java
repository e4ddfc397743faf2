package dev.quayside.configsyncer.messaging;

import dev.quayside.configsyncer.service.CommitPushedHandler;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.IncomingEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** {@code quayside.commit-pushed} in: the mirror of config repositories into Consul. */
@ApplicationScoped
class CommitPushedChannel {

    private final CommitPushedHandler handler;
    private final EventPublisher publisher;

    CommitPushedChannel(CommitPushedHandler handler, EventPublisher publisher) {
        this.handler = handler;
        this.publisher = publisher;
    }

    @Incoming(Channels.COMMIT_PUSHED)
    @Blocking
    void onCommitPushed(IncomingEvent incoming) {
        publisher.publish(handler.handle(incoming.require(CommitPushed.class)));
    }
}
