package dev.quayside.imagebuilder.messaging;

import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ImageBuilt;
import dev.quayside.kit.messaging.EventNotPublishedException;
import dev.quayside.kit.messaging.EventPublisher;
import dev.quayside.kit.messaging.MessagingConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.errors.TimeoutException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * The kit's real publisher (the real broker), with one fault armed per repository on the next {@code ImageBuilt}:
 * Kafka does not take it (a producer timeout, nothing sent), or takes it but acknowledges late (what a broker stopped
 * for a while does to a send in flight). Enabled by a test profile.
 */
@Alternative
@Singleton
public class FlakyPublisher extends EventPublisher {

    /** What happens to the next {@code ImageBuilt} of a repository. */
    public sealed interface Fault {
    }

    /** Not sent; the send fails with Kafka's {@link TimeoutException}. */
    public record NotTaken() implements Fault {
    }

    /** Sent; its acknowledgement arrives {@code delay} late. */
    public record LateAck(Duration delay) implements Fault {
    }

    private static final Map<String, Fault> ARMED = new ConcurrentHashMap<>();

    public static void arm(String repository, Fault fault) {
        ARMED.put(repository, fault);
    }

    FlakyPublisher(@Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
            MutinyEmitter<EventEnvelope<?>> emitter, MessagingConfig config) {
        super(emitter, config);
    }

    @Override
    public Uni<Void> send(EventEnvelope<?> envelope, Optional<TracingMetadata> trace) {
        Fault fault = envelope.data() instanceof ImageBuilt built ? ARMED.remove(built.repository()) : null;
        if (fault instanceof NotTaken) {
            TimeoutException expired = new TimeoutException("Expiring 1 record(s) for quayside.image-built-0: "
                    + "120000 ms has passed since batch creation (simulated)");
            return Uni.createFrom().failure(new EventNotPublishedException(envelope, expired.getMessage(), expired));
        }
        if (fault instanceof LateAck late) {
            return super.send(envelope, trace).onItem().delayIt().by(late.delay());
        }
        return super.send(envelope, trace);
    }
}
