package dev.quayside.imagebuilder.messaging;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Streams build log lines to {@code quayside.build-logs}, keyed by build id: plain text, not events (events go through
 * the kit's {@link dev.quayside.kit.messaging.EventPublisher}), and fire and forget — the log is a stream, not an
 * effect a record waits for.
 */
@ApplicationScoped
public class BuildLogStream {

    private final Emitter<String> logs;

    BuildLogStream(@Channel(Channels.BUILD_LOGS) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) Emitter<String> logs) {
        this.logs = logs;
    }

    /** Sends one line of the log of {@code buildId}. */
    public void log(String buildId, String line) {
        logs.send(Message.of(line)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(buildId).build()));
    }
}
