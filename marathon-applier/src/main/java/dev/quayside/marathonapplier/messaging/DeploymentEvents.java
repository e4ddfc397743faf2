package dev.quayside.marathonapplier.messaging;

import dev.quayside.events.EventEnvelope;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Publishes outcome events on {@code quayside.deployed}, keyed by app, and waits until Kafka has them. */
@ApplicationScoped
public class DeploymentEvents {

    private final Emitter<EventEnvelope<?>> emitter;

    DeploymentEvents(@Channel(Channels.DEPLOYED) Emitter<EventEnvelope<?>> emitter) {
        this.emitter = emitter;
    }

    /** Sends the events in order; returns when every one is acknowledged (or throws). */
    public void publish(List<EventEnvelope<?>> events) {
        publish(events, Optional.empty());
    }

    /**
     * Like {@link #publish(List)}, in the trace of the incoming record ({@code trace}), so the outcomes continue its
     * trace from whichever thread they are published.
     */
    public void publish(List<EventEnvelope<?>> events, Optional<TracingMetadata> trace) {
        for (EventEnvelope<?> event : events) {
            CompletableFuture<Void> acked = new CompletableFuture<>();
            Message<EventEnvelope<?>> message = Message.<EventEnvelope<?>>of(event)
                    .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.key()).build());
            if (trace.isPresent()) {
                message = message.addMetadata(trace.get());
            }
            emitter.send(message
                    .withAck(() -> {
                        acked.complete(null);
                        return CompletableFuture.completedFuture(null);
                    })
                    .withNack(failure -> {
                        acked.completeExceptionally(failure);
                        return CompletableFuture.completedFuture(null);
                    }));
            try {
                acked.get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while publishing " + event.id(), e);
            } catch (Exception e) {
                throw new IllegalStateException("Kafka did not take event " + event.id() + ": " + e.getMessage(), e);
            }
        }
    }
}
