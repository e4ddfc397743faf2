package dev.quayside.imagebuilder.messaging;

import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.IncomingEvent;
import dev.quayside.events.MalformedEventException;
import dev.quayside.imagebuilder.client.AnnouncedPushes;
import dev.quayside.imagebuilder.config.BuilderConfig;
import dev.quayside.imagebuilder.service.CommitPushedHandler;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * {@code quayside.commit-pushed} → {@link CommitPushedHandler}. The record is acknowledged only when its build has
 * ended and been announced (builds run concurrently, so acknowledgement is per message); a malformed record and a
 * build that ended on a terminal infrastructure failure are dead-lettered. A record whose events Kafka did not take is
 * neither: it is handled again after a back-off ({@code quayside.builder.retry.*}), and left unacknowledged (delivered
 * again after a restart or rebalance) when the retries run out. No record is handled before the memory of announced
 * pushes ({@link AnnouncedPushes}) is read.
 */
@ApplicationScoped
class CommitPushedConsumer {

    private static final Logger LOG = Logger.getLogger(CommitPushedConsumer.class);

    private final CommitPushedHandler handler;
    private final AnnouncedPushes announced;
    private final BuilderConfig.Retry retry;

    CommitPushedConsumer(CommitPushedHandler handler, AnnouncedPushes announced, BuilderConfig config) {
        this.handler = handler;
        this.announced = announced;
        this.retry = config.retry();
    }

    @Incoming(Channels.COMMIT_PUSHED)
    Uni<Void> consume(Message<IncomingEvent> message) {
        if (!announced.isCaughtUp()) {
            LOG.infof("%s waits until %s is read", where(message), announced.topic());
            return Uni.createFrom().completionStage(announced.whenCaughtUp())
                    .emitOn(Infrastructure.getDefaultWorkerPool())
                    .chain(() -> handle(message, 0));
        }
        return handle(message, 0);
    }

    private Uni<Void> handle(Message<IncomingEvent> message, int attempt) {
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
            } else if (disposition.redeliver()) {
                again(message, attempt, disposition.cause());
            } else if (disposition.deadLetter()) {
                LOG.warnf("dead-lettering %s: %s", where(message), disposition.cause());
                message.nack(disposition.cause());
            } else {
                message.ack();
            }
        });
        return accepted.queued().onFailure().invoke(e -> {
            LOG.errorf("could not announce that the build of %s is queued: %s", where(message), e.toString());
            again(message, attempt, e);
        }).onFailure().recoverWithNull();
    }

    /** Handles the record again after a back-off: Kafka did not take an event announcing its build. */
    private void again(Message<IncomingEvent> message, int attempt, Throwable cause) {
        if (attempt >= retry.maxRetries()) {
            LOG.errorf("%s: its build could not be announced after %d attempts (%s); left unacknowledged, it is "
                    + "delivered again after a restart or a rebalance", where(message), attempt + 1, cause);
            return;
        }
        long factor = 1L << Math.min(attempt, 20);
        Duration delay = retry.initialDelay().multipliedBy(factor);
        if (delay.compareTo(retry.maxDelay()) > 0) {
            delay = retry.maxDelay();
        }
        LOG.warnf("%s: its build could not be announced (%s); handled again in %s", where(message), cause, delay);
        Uni.createFrom().voidItem().onItem().delayIt().by(delay)
                .chain(() -> handle(message, attempt + 1))
                .subscribe().with(ok -> { }, e -> LOG.errorf(e, "handling %s again failed", where(message)));
    }

    private static String where(Message<?> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> m.getTopic() + "/" + m.getPartition() + "@" + m.getOffset())
                .orElse("(no Kafka metadata)");
    }
}
