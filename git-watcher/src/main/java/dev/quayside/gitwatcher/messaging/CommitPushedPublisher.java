package dev.quayside.gitwatcher.messaging;

import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/** Publishes {@link CommitPushed} on {@code quayside.commit-pushed}, keyed by repository. */
@ApplicationScoped
public class CommitPushedPublisher {

    /** The outgoing channel of {@code quayside.commit-pushed}. */
    public static final String CHANNEL = "commit-pushed-out";

    private final Emitter<EventEnvelope<CommitPushed>> emitter;

    public CommitPushedPublisher(@Channel(CHANNEL) Emitter<EventEnvelope<CommitPushed>> emitter) {
        this.emitter = emitter;
    }

    /** Sends the event; the stage completes when Kafka has acknowledged it (or failed to). */
    public CompletionStage<Void> publish(EventEnvelope<CommitPushed> envelope) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        Metadata metadata = Metadata.of(OutgoingKafkaRecordMetadata.<String>builder().withKey(envelope.key()).build());
        emitter.send(Message.of(envelope, metadata, () -> {
            acknowledged.complete(null);
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            acknowledged.completeExceptionally(failure);
            return CompletableFuture.completedFuture(null);
        }));
        return acknowledged;
    }
}
