package dev.quayside.imagebuilder.messaging;

import dev.quayside.events.EventEnvelope;
import dev.quayside.events.Topics;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Sends the service's events ({@code quayside.builds}, {@code quayside.image-built}) keyed by the envelope's key, and
 * the build log lines ({@code quayside.build-logs}) keyed by build id.
 */
@ApplicationScoped
public class EventPublisher {

    private final MutinyEmitter<EventEnvelope<?>> builds;
    private final MutinyEmitter<EventEnvelope<?>> imageBuilt;
    private final Emitter<String> logs;

    EventPublisher(@Channel(Channels.BUILDS) MutinyEmitter<EventEnvelope<?>> builds,
            @Channel(Channels.IMAGE_BUILT) MutinyEmitter<EventEnvelope<?>> imageBuilt,
            @Channel(Channels.BUILD_LOGS) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) Emitter<String> logs) {
        this.builds = builds;
        this.imageBuilt = imageBuilt;
        this.logs = logs;
    }

    /** Sends {@code envelope} to its topic; the Uni completes when Kafka acknowledged it. */
    public Uni<Void> send(EventEnvelope<?> envelope) {
        Message<EventEnvelope<?>> message = Message.<EventEnvelope<?>>of(envelope)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(envelope.key()).build());
        return switch (envelope.topic()) {
            case Topics.BUILDS -> builds.sendMessage(message);
            case Topics.IMAGE_BUILT -> imageBuilt.sendMessage(message);
            default -> Uni.createFrom().failure(new IllegalArgumentException(
                    "image-builder does not publish " + envelope.type() + " (topic " + envelope.topic() + ")"));
        };
    }

    /**
     * Sends {@code envelope} and waits up to {@code timeout} for Kafka's acknowledgement.
     *
     * @throws EventNotPublishedException when Kafka refused it or did not acknowledge it in time
     */
    public void publish(EventEnvelope<?> envelope, Duration timeout) {
        try {
            send(envelope).await().atMost(timeout);
        } catch (RuntimeException e) {
            throw new EventNotPublishedException(envelope, e);
        }
    }

    /** Sends one build log line (fire and forget: the log is a stream, not an effect). */
    public void log(String buildId, String line) {
        logs.send(Message.of(line)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(buildId).build()));
    }
}
