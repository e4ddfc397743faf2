package dev.quayside.imagebuilder.messaging;

import dev.quayside.events.IncomingEvent;
import dev.quayside.imagebuilder.client.Backoff;
import dev.quayside.imagebuilder.service.CommitPushedHandler;
import dev.quayside.kit.messaging.EventConsumer;
import dev.quayside.kit.retry.RetryPolicy;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * {@code quayside.commit-pushed} in, through the kit's consumer shell. Called in record order, one record at a time;
 * the handler returns once the build is queued, and the kit acknowledges the record when its build has ended and been
 * announced (builds run concurrently; {@code throttled} commits only offsets below which every record is settled). A
 * malformed record and a build that ended on a terminal infrastructure failure are dead-lettered. A record whose
 * events Kafka did not take is neither: it is handled again after the back-off of {@code quayside.builder.retry.*},
 * and left unacknowledged (delivered again after a restart or a rebalance) when those retries run out.
 */
@ApplicationScoped
class CommitPushedChannel {

    private final EventConsumer consumer;
    private final CommitPushedHandler handler;
    private final RetryPolicy handleAgain;

    CommitPushedChannel(EventConsumer consumer, CommitPushedHandler handler, Backoff backoff) {
        this.consumer = consumer;
        this.handler = handler;
        this.handleAgain = backoff.policy();
    }

    @Incoming(Channels.COMMIT_PUSHED)
    @Blocking // ordered: one call at a time, in record order
    CompletionStage<Void> onCommitPushed(Message<IncomingEvent> message) {
        return consumer.consume(message, handler, handleAgain);
    }
}
