package dev.quayside.kit.messaging;

import dev.quayside.events.EventEnvelope;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * The one publisher of Quayside events. Every event goes through one outgoing channel per service,
 * {@value #CHANNEL}, to its own topic ({@link EventEnvelope#topic()}, set per record with
 * {@link OutgoingKafkaRecordMetadata#getTopic()}), keyed by {@link EventEnvelope#key()}; a send completes when the
 * broker acknowledged the record (bounded by {@code quayside.messaging.ack-timeout}), and fails otherwise. Given the
 * incoming record's {@link TracingMetadata}, the event continues its trace whichever thread publishes it.
 *
 * <p>The channel's defaults (connector, serializers, {@code acks=all}) ship with the kit in
 * {@code META-INF/microprofile-config.properties}; a service may override any of them under
 * {@code mp.messaging.outgoing.events-out.*}.
 */
@ApplicationScoped
public class EventPublisher {

    /** The service's one outgoing event channel. */
    public static final String CHANNEL = "events-out";

    private final MutinyEmitter<EventEnvelope<?>> emitter;
    private final Duration ackTimeout;

    /** Protected so that a service's tests can put a publisher with faults in its place (an {@code @Alternative}). */
    protected EventPublisher(@Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
            MutinyEmitter<EventEnvelope<?>> emitter, MessagingConfig config) {
        this.emitter = emitter;
        this.ackTimeout = config.ackTimeout();
    }

    /** Sends one event; the Uni completes when the broker has it, and fails when it refused it or did not answer. */
    public Uni<Void> send(EventEnvelope<?> event, Optional<TracingMetadata> trace) {
        return Uni.createFrom().deferred(() -> {
            String topic = event.topic();
            if (topic == null || topic.isBlank()) {
                return Uni.createFrom().failure(new IllegalArgumentException("event " + event.id() + " of type "
                        + event.type() + " names no topic"));
            }
            Message<EventEnvelope<?>> message = Message.<EventEnvelope<?>>of(event)
                    .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withTopic(topic).withKey(event.key())
                            .build());
            if (trace.isPresent()) {
                message = message.addMetadata(trace.get());
            }
            return emitter.sendMessage(message)
                    .ifNoItem().after(ackTimeout).failWith(() -> new EventNotPublishedException(event, "the broker did not "
                            + "acknowledge it within " + ackTimeout.toSeconds() + " s"))
                    .onFailure(e -> !(e instanceof EventNotPublishedException))
                    .transform(e -> new EventNotPublishedException(event, e.getMessage() == null ? e.toString()
                            : e.getMessage(), e));
        });
    }

    /**
     * Sends the events one after the other, each once the previous one is acknowledged; fails at the first failure.
     * The sends are concatenated as a stream, not nested: one {@code Uni.chain} per event made subscribing as many
     * calls deep as there are events, and a thousand overflowed the services' 512 KB stacks.
     */
    public Uni<Void> sendAll(List<? extends EventEnvelope<?>> events, Optional<TracingMetadata> trace) {
        List<? extends EventEnvelope<?>> all = List.copyOf(events);
        if (all.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(all)
                .onItem().transformToUniAndConcatenate(event -> send(event, trace).replaceWith(event))
                .collect().last().replaceWithVoid();
    }

    /** Sends the events in order and returns when all are acknowledged; throws {@link EventNotPublishedException}. */
    public void publish(List<? extends EventEnvelope<?>> events) {
        publish(events, Optional.empty());
    }

    /** {@link #publish(List)} in the trace of an incoming record. Blocks: never call it on an event loop. */
    public void publish(List<? extends EventEnvelope<?>> events, Optional<TracingMetadata> trace) {
        sendAll(events, trace).await().indefinitely(); // each send is bounded by the ack timeout
    }
}
