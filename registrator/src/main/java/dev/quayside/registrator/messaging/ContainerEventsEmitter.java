package dev.quayside.registrator.messaging;

import dev.quayside.events.Container;
import dev.quayside.events.ContainerStarted;
import dev.quayside.events.ContainerStopped;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.EventIds;
import dev.quayside.events.EventType;
import dev.quayside.events.PipelineEvent;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Publishes {@link ContainerStarted} / {@link ContainerStopped} on {@code quayside.container-started}, keyed by service
 * id. Ids are deterministic (service id + container id), so a re-announcement after a restart is a recognisable
 * duplicate. No commit starts these chains: their chain id is null.
 */
@ApplicationScoped
public class ContainerEventsEmitter {

    /** The outgoing channel of {@code quayside.container-started}. */
    public static final String CHANNEL = "container-started";
    private static final Logger LOG = Logger.getLogger(ContainerEventsEmitter.class);

    private final Emitter<EventEnvelope<?>> emitter;

    public ContainerEventsEmitter(@Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
            Emitter<EventEnvelope<?>> emitter) {
        this.emitter = emitter;
    }

    public void started(Container container, String source, Instant when) {
        send(new ContainerStarted(container), container, source, when);
    }

    public void stopped(Container container, Integer exitCode, String source, Instant when) {
        send(new ContainerStopped(container, exitCode), container, source, when);
    }

    private void send(PipelineEvent event, Container container, String source, Instant when) {
        String id = EventIds.of(EventType.of(event.getClass()), container.serviceId(),
                container.containerId() == null ? "" : container.containerId());
        EventEnvelope<?> envelope = EventEnvelope.of(event, source, id, null, when);
        Message<EventEnvelope<?>> message = Message.<EventEnvelope<?>>of(envelope)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(envelope.key()).build())
                .withNack(failure -> {
                    LOG.warnf(failure, "could not publish %s for %s", envelope.type().wireType(),
                            container.serviceId());
                    return java.util.concurrent.CompletableFuture.completedFuture(null);
                });
        emitter.send(message);
    }
}
