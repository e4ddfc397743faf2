package dev.quayside.edgerouter.messaging;

import dev.quayside.edgerouter.service.RoutingState;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.EventIds;
import dev.quayside.events.EventType;
import dev.quayside.events.RoutesUpdated;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/** Publishes {@link RoutesUpdated} on {@code quayside.routes-updated}, keyed by the edge-router instance. */
@ApplicationScoped
public class RoutesUpdatedPublisher {

    public static final String CHANNEL = "routes-updated";
    static final String SOURCE = "/quayside/edge-router";

    private static final Logger LOG = Logger.getLogger(RoutesUpdatedPublisher.class);

    private final Emitter<EventEnvelope<?>> emitter;

    RoutesUpdatedPublisher(@Channel(CHANNEL) @OnOverflow(OnOverflow.Strategy.BUFFER) Emitter<EventEnvelope<?>> emitter) {
        this.emitter = emitter;
    }

    /**
     * Announces a render. A render starts its own chain (it is caused by the catalog, not by a Quayside event); its id
     * is derived from the instance, configuration hash, outcome and time.
     */
    public void publish(RoutingState state) {
        RoutesUpdated event = state.toEvent();
        Instant at = state.at();
        String id = EventIds.of(EventType.ROUTES_UPDATED, event.instance(), event.configHash(), event.outcome().name(),
                at.toString());
        EventEnvelope<RoutesUpdated> envelope = EventEnvelope.of(event, SOURCE, id, id, at);
        Message<EventEnvelope<?>> message = Message.<EventEnvelope<?>>of(envelope)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(envelope.key()).build())
                .withNack(failure -> {
                    LOG.errorf("could not publish RoutesUpdated %s (%s): %s", id, event.outcome(), failure.getMessage());
                    return java.util.concurrent.CompletableFuture.completedFuture(null);
                });
        emitter.send(message);
    }
}
