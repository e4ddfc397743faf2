package dev.quayside.imagebuilder.messaging;

import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.IncomingEvent;
import dev.quayside.events.MalformedEventException;
import dev.quayside.imagebuilder.service.CommitPushedHandler;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * {@code quayside.commit-pushed} → {@link CommitPushedHandler}. The record is acknowledged only when its build has
 * ended and been announced (builds run concurrently, so acknowledgement is per message); a malformed record and a
 * build that ended on a terminal infrastructure failure are dead-lettered.
 */
@ApplicationScoped
class CommitPushedConsumer {

    private static final Logger LOG = Logger.getLogger(CommitPushedConsumer.class);

    private final CommitPushedHandler handler;

    CommitPushedConsumer(CommitPushedHandler handler) {
        this.handler = handler;
    }

    @Incoming(Channels.COMMIT_PUSHED)
    Uni<Void> consume(Message<IncomingEvent> message) {
        long received = System.nanoTime();
        CommitPushedHandler.Accepted accepted;
        try {
            EventEnvelope<CommitPushed> event = message.getPayload().require(CommitPushed.class);
            accepted = handler.handle(event, received);
        } catch (MalformedEventException e) {
            LOG.warnf("dead-lettering malformed record %s: %s", where(message), e.getMessage());
            return Uni.createFrom().completionStage(message.nack(e));
        }
        accepted.done().whenComplete((disposition, error) -> {
            if (error != null) {
                message.nack(error);
            } else if (disposition.deadLetter()) {
                LOG.warnf("dead-lettering %s: %s", where(message), disposition.cause());
                message.nack(disposition.cause());
            } else {
                message.ack();
            }
        });
        return accepted.queued().onFailure().call(e -> {
            LOG.errorf(e, "could not queue the build of %s", where(message));
            return Uni.createFrom().completionStage(message.nack(e));
        }).onFailure().recoverWithNull();
    }

    private static String where(Message<?> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> m.getTopic() + "/" + m.getPartition() + "@" + m.getOffset())
                .orElse("(no Kafka metadata)");
    }
}
