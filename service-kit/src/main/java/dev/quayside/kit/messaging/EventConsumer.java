package dev.quayside.kit.messaging;

import dev.quayside.events.EventEnvelope;
import dev.quayside.events.IncomingEvent;
import dev.quayside.events.MalformedEventException;
import dev.quayside.events.PipelineEvent;
import dev.quayside.kit.retry.JitteredBackoff;
import dev.quayside.kit.retry.RetryPolicy;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.vertx.core.Context;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * The one consumer shell: every {@code @Incoming} method hands its record and its handler here in one line.
 *
 * <pre>{@code
 * @Incoming(Channels.IMAGE_BUILT)
 * @Blocking
 * CompletionStage<Void> onImageBuilt(Message<IncomingEvent> message) {
 *     return consumer.consume(message, handler);
 * }
 * }</pre>
 *
 * For every record: a malformed one is logged with its topic/partition/offset and dead-lettered with the reason; an
 * event of another type on the topic is acknowledged and skipped; otherwise the handler runs and the events it caused
 * are published (each acknowledged by the broker) <em>before</em> the record is acknowledged. A terminal outcome is
 * published and then dead-lettered with its reason; an exception is announced through the handler's
 * {@code failed(...)} and dead-lettered; while the service shuts down a failed record is neither acknowledged nor
 * dead-lettered, so it is delivered again. A record whose events cannot be published is dead-lettered with that reason,
 * unless its consumer chose to handle it again ({@link #consume(Message, AsyncEventHandler, RetryPolicy)}).
 *
 * <p>The channel needs {@code failure-strategy=dead-letter-queue} with its {@code dead-letter-queue.topic} (the
 * kit's {@code nack} is what sends a record there).
 */
@ApplicationScoped
public class EventConsumer {

    private static final Logger LOG = Logger.getLogger(EventConsumer.class);

    private final EventPublisher publisher;
    private final ShutdownWatch shutdown;

    EventConsumer(EventPublisher publisher, ShutdownWatch shutdown) {
        this.publisher = publisher;
        this.shutdown = shutdown;
    }

    /**
     * In order: handles the record, publishes its events and settles it before returning, so the next record of the
     * channel waits. Call it from a {@code @Blocking} channel method.
     */
    public <T extends PipelineEvent> CompletionStage<Void> consume(Message<IncomingEvent> message,
            EventHandler<T> handler) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("an in-order handler blocks: annotate the @Incoming method with @Blocking ("
                    + handler.getClass().getName() + ")");
        }
        String position = position(message);
        Accepted<T> accepted = accept(message, handler.eventType(), position);
        if (accepted.event() == null) {
            return accepted.settled();
        }
        EventEnvelope<T> event = accepted.event();
        Optional<TracingMetadata> trace = message.getMetadata(TracingMetadata.class);
        Outcome outcome;
        try {
            outcome = orNothing(handler.handle(event));
        } catch (Exception | LinkageError | AssertionError e) {
            if (Decisions.afterFailure(e, shutdown.stopping()) == Decisions.Settle.LEAVE) {
                return leave(event, position, e);
            }
            LOG.errorf(e, "%s at %s failed", describe(event), position);
            outcome = announce(handler::failed, event, e);
        }
        boolean published = true;
        Throwable notPublished = null;
        try {
            publisher.publish(outcome.events(), trace);
        } catch (RuntimeException e) {
            published = false;
            notPublished = e;
        }
        if (published) {
            announced(outcome, event);
        }
        return settle(message, event, position, outcome, published, notPublished, null);
    }

    /**
     * Concurrently: starts the handler's work and returns at once; the record is settled when the work's stage
     * completes and its events are published (out of order: use the {@code throttled} commit strategy).
     */
    public <T extends PipelineEvent> CompletionStage<Void> consume(Message<IncomingEvent> message,
            AsyncEventHandler<T> handler) {
        return consume(message, handler, null);
    }

    /**
     * {@link #consume(Message, AsyncEventHandler)} for a stage where failing to announce an outcome is not a failure
     * of the work (image-builder: a build whose {@code ImageBuilt} the broker did not take is not a failed build). A
     * record whose events were not published — the outcome's, or one the work published itself (its stage failing
     * with {@link EventNotPublishedException}) — is neither announced as failed nor dead-lettered: the handler is
     * called again with the same event after the waits of {@code handleAgain}, and once its retries or budget are
     * used up the record is left unacknowledged (delivered again after a restart or a rebalance). Every other ending
     * is as in {@link #consume(Message, AsyncEventHandler)}; a null {@code handleAgain} is that method.
     */
    public <T extends PipelineEvent> CompletionStage<Void> consume(Message<IncomingEvent> message,
            AsyncEventHandler<T> handler, RetryPolicy handleAgain) {
        String position = position(message);
        Accepted<T> accepted = accept(message, handler.eventType(), position);
        if (accepted.event() == null) {
            return accepted.settled();
        }
        Optional<TracingMetadata> trace = message.getMetadata(TracingMetadata.class);
        new Attempts<>(message, handler, accepted.event(), position, trace,
                handleAgain == null ? null : JitteredBackoff.start(handleAgain)).start();
        return CompletableFuture.completedFuture(null);
    }

    /** The attempts at one record of an {@link AsyncEventHandler}: one, unless it is handled again. */
    private final class Attempts<T extends PipelineEvent> {
        private final Message<IncomingEvent> message;
        private final AsyncEventHandler<T> handler;
        private final EventEnvelope<T> event;
        private final String position;
        private final Optional<TracingMetadata> trace;
        private final JitteredBackoff again;
        private final Decisions.WhenNotPublished whenNotPublished;

        Attempts(Message<IncomingEvent> message, AsyncEventHandler<T> handler, EventEnvelope<T> event,
                String position, Optional<TracingMetadata> trace, JitteredBackoff again) {
            this.message = message;
            this.handler = handler;
            this.event = event;
            this.position = position;
            this.trace = trace;
            this.again = again;
            this.whenNotPublished = again == null ? Decisions.WhenNotPublished.DEAD_LETTER
                    : Decisions.WhenNotPublished.HANDLE_AGAIN;
        }

        void start() {
            CompletionStage<Outcome> work;
            try {
                work = handler.handle(event, new Delivery(position, trace, publisher));
            } catch (Exception | LinkageError | AssertionError e) {
                work = CompletableFuture.failedFuture(e);
            }
            work.whenComplete(this::settleWork);
        }

        private void settleWork(Outcome result, Throwable error) {
            Outcome outcome = orNothing(result);
            if (error != null) {
                Throwable cause = Decisions.unwrap(error);
                switch (Decisions.afterFailure(cause, shutdown.stopping(), whenNotPublished)) {
                    case LEAVE:
                        leave(event, position, cause);
                        return;
                    case AGAIN:
                        handleAgain(cause);
                        return;
                    default:
                        LOG.errorf(cause, "%s at %s failed", describe(event), position);
                        outcome = announce(handler::failed, event, cause);
                }
            }
            Outcome done = outcome;
            publisher.sendAll(done.events(), trace).subscribe().with(
                    ok -> {
                        announced(done, event);
                        settle(message, event, position, done, true, null, this::handleAgain);
                    },
                    failure -> settle(message, event, position, done, false, failure, this::handleAgain));
        }

        private void handleAgain(Throwable why) {
            if (shutdown.stopping()) {
                leave(event, position, why);
                return;
            }
            Optional<Duration> wait = again.next();
            if (wait.isEmpty()) {
                LOG.errorf("%s at %s: its events could not be published after %d attempts (%s); left unacknowledged, "
                        + "it is delivered again after a restart or a rebalance", describe(event), position,
                        again.retries() + 1, Outcome.reason(Decisions.unwrap(why)));
                return;
            }
            LOG.warnf("%s at %s: its events could not be published (%s); handled again in %s", describe(event),
                    position, Outcome.reason(Decisions.unwrap(why)), wait.get());
            Uni.createFrom().voidItem().onItem().delayIt().by(wait.get())
                    .emitOn(Infrastructure.getDefaultWorkerPool())
                    .subscribe().with(ok -> start(),
                            e -> LOG.errorf(e, "handling %s at %s again failed", describe(event), position));
        }
    }

    /** The record's event, or how the record was settled when the handler does not take it. */
    private record Accepted<T extends PipelineEvent>(EventEnvelope<T> event, CompletionStage<Void> settled) {
    }

    private <T extends PipelineEvent> Accepted<T> accept(Message<IncomingEvent> message, Class<T> type,
            String position) {
        IncomingEvent incoming = message.getPayload();
        switch (Decisions.receive(incoming, type)) {
            case HANDLE:
                return new Accepted<>(incoming.require(type), null);
            case SKIP:
                LOG.debugf("%s at %s is not a %s: skipped", incoming, position, type.getSimpleName());
                return new Accepted<>(null, message.ack());
            default:
                String reason = incoming == null ? "empty record" : incoming.failure();
                LOG.warnf("malformed record at %s dead-lettered: %s", position, reason);
                return new Accepted<>(null, message.nack(new MalformedEventException(reason)));
        }
    }

    private <T extends PipelineEvent> Outcome announce(BiFunction<EventEnvelope<T>, Throwable, Outcome> failed,
            EventEnvelope<T> event, Throwable failure) {
        Outcome announced;
        try {
            announced = orNothing(failed.apply(event, failure));
        } catch (RuntimeException e) {
            LOG.errorf(e, "announcing the failure of %s failed too", describe(event));
            announced = Outcome.nothing();
        }
        return announced.isTerminal() ? announced : Outcome.terminal(announced.events(), Outcome.reason(failure));
    }

    private CompletionStage<Void> settle(Message<IncomingEvent> message, EventEnvelope<?> event, String position,
            Outcome outcome, boolean published, Throwable notPublished, Consumer<Throwable> again) {
        Decisions.WhenNotPublished whenNotPublished = again == null ? Decisions.WhenNotPublished.DEAD_LETTER
                : Decisions.WhenNotPublished.HANDLE_AGAIN;
        switch (Decisions.afterPublishing(outcome, published, shutdown.stopping(), whenNotPublished)) {
            case ACK:
                return message.ack();
            case LEAVE:
                return leave(event, position, notPublished);
            case AGAIN:
                again.accept(notPublished);
                return CompletableFuture.completedFuture(null);
            default:
                String reason = published ? outcome.terminalFailure()
                        : "events not published: " + Outcome.reason(Decisions.unwrap(notPublished));
                LOG.warnf("%s at %s dead-lettered: %s", describe(event), position, reason);
                return message.nack(new DeadLetterException(reason, published ? null : notPublished));
        }
    }

    private static CompletionStage<Void> leave(EventEnvelope<?> event, String position, Throwable why) {
        LOG.infof("shutting down: %s at %s is left unacknowledged and will be delivered again (%s)", describe(event),
                position, why == null ? "stopping" : Outcome.reason(why));
        return CompletableFuture.completedFuture(null);
    }

    /** Runs what the outcome does once its events are published; its failure only logged. */
    private static void announced(Outcome outcome, EventEnvelope<?> event) {
        if (outcome.onPublished() == null) {
            return;
        }
        try {
            outcome.onPublished().run();
        } catch (RuntimeException e) {
            LOG.warnf(e, "after publishing the events of %s: %s", describe(event), Outcome.reason(e));
        }
    }

    private static Outcome orNothing(Outcome outcome) {
        return outcome == null ? Outcome.nothing() : outcome;
    }

    private static String describe(EventEnvelope<?> event) {
        return event.type() + " " + event.id();
    }

    /** {@code topic/partition@offset} of a Kafka record. */
    static String position(Message<?> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> m.getTopic() + "/" + m.getPartition() + "@" + m.getOffset())
                .orElse("(no Kafka metadata)");
    }
}
