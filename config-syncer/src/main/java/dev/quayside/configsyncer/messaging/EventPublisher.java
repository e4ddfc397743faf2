package dev.quayside.configsyncer.messaging;

import dev.quayside.configsyncer.service.Handled;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.Topics;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Publishes a handler's events (keyed by {@link EventEnvelope#key()}) and waits for Kafka's acknowledgement. */
@ApplicationScoped
class EventPublisher {

    private final MutinyEmitter<EventEnvelope<?>> tagUpdated;
    private final MutinyEmitter<EventEnvelope<?>> configSynced;

    EventPublisher(@Channel(Channels.TAG_UPDATED) MutinyEmitter<EventEnvelope<?>> tagUpdated,
            @Channel(Channels.CONFIG_SYNCED) MutinyEmitter<EventEnvelope<?>> configSynced) {
        this.tagUpdated = tagUpdated;
        this.configSynced = configSynced;
    }

    /** Sends every event, then throws the terminal failure so the input goes to the dead-letter topic. */
    void publish(Handled handled) {
        for (EventEnvelope<?> event : handled.events()) {
            MutinyEmitter<EventEnvelope<?>> emitter = switch (event.topic()) {
                case Topics.TAG_UPDATED -> tagUpdated;
                case Topics.CONFIG_SYNCED -> configSynced;
                default -> throw new IllegalStateException("config-syncer does not publish on " + event.topic());
            };
            emitter.sendMessageAndAwait(Message.<EventEnvelope<?>>of(event)
                    .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.key()).build()));
        }
        if (handled.terminalFailure() != null) {
            throw new TerminalFailure(handled.terminalFailure());
        }
    }

    /** A failure already announced as an event; the input record goes to the dead-letter topic. */
    static final class TerminalFailure extends RuntimeException {
        TerminalFailure(String message) {
            super(message);
        }
    }
}
