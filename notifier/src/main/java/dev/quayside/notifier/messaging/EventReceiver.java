package dev.quayside.notifier.messaging;

import dev.quayside.events.IncomingEvent;
import dev.quayside.events.MalformedEventException;
import dev.quayside.notifier.client.SentLogClient;
import dev.quayside.notifier.service.NotificationService;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * The channel methods' one adapter. It returns at once, so the next record is not held up by a slow or failing
 * channel, and acknowledges the record only when every channel has settled: acked when all were sent, folded or
 * duplicates; nacked (so dead-lettered to {@code quayside.notifier.dlq} with the reason) when a channel failed after its
 * retries or the record is malformed. The throttled commit strategy commits an offset only once every record before it
 * is settled, so offsets still follow the effect.
 */
@ApplicationScoped
class EventReceiver {

    private static final Logger LOG = Logger.getLogger(EventReceiver.class);

    private final NotificationService service;
    private final SentLogClient sentLog;

    EventReceiver(NotificationService service, SentLogClient sentLog) {
        this.service = service;
        this.sentLog = sentLog;
    }

    CompletionStage<Void> receive(Message<IncomingEvent> message) {
        IncomingEvent incoming = message.getPayload();
        if (incoming.isMalformed()) {
            LOG.warnf("malformed record at %s: %s", where(message), incoming.failure());
            return message.nack(new MalformedEventException(incoming.failure()));
        }
        sentLog.whenLoaded()
                .thenCompose(loaded -> service.handle(incoming.envelope()).subscribeAsCompletionStage())
                .whenComplete((failures, error) -> {
                    if (error != null) {
                        LOG.errorf(error, "event %s at %s could not be handled", incoming, where(message));
                        message.nack(error);
                    } else if (!failures.isEmpty()) {
                        message.nack(new NotificationFailedException(incoming + " not delivered: "
                                + String.join("; ", failures)));
                    } else {
                        message.ack();
                    }
                });
        return CompletableFuture.completedFuture(null);
    }

    private static String where(Message<?> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> m.getTopic() + "/" + m.getPartition() + "@" + m.getOffset()).orElse("?");
    }

    /** A notification that exhausted its retries: the dead-letter reason. */
    static final class NotificationFailedException extends RuntimeException {
        NotificationFailedException(String message) {
            super(message);
        }
    }
}
