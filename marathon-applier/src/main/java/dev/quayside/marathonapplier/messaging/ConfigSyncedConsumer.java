package dev.quayside.marathonapplier.messaging;

import dev.quayside.events.ConfigSynced;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.IncomingEvent;
import dev.quayside.events.MalformedEventException;
import dev.quayside.marathonapplier.config.ApplierConfig;
import dev.quayside.marathonapplier.service.ConfigSyncedHandler;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * {@code quayside.config-synced} in. Called in record order, one record at a time: the sync's work is queued per app
 * ({@link ConfigSyncedHandler#submit}) and the method returns without waiting for it, so later syncs of other apps go
 * ahead while earlier deployments run. The record is acknowledged once all its work is done and its outcomes are
 * published (the {@code throttled} commit strategy commits only offsets below which every record is acknowledged);
 * at most {@code max-in-flight} records are in flight, the next one waits for a slot. A malformed record is logged
 * with its position and dead-lettered; a retryable failure after the service's own retries is dead-lettered too,
 * once every definition of the sync is done (each one that failed so was announced as {@code DeploymentFailed}).
 */
@ApplicationScoped
class ConfigSyncedConsumer {

    private final ConfigSyncedHandler handler;
    private final DeploymentEvents events;
    private final Semaphore inFlight;

    ConfigSyncedConsumer(ConfigSyncedHandler handler, DeploymentEvents events, ApplierConfig config,
            MeterRegistry metrics) {
        this.handler = handler;
        this.events = events;
        int max = Math.max(1, config.maxInFlight());
        this.inFlight = new Semaphore(max);
        Gauge.builder("quayside.marathon-applier.syncs-in-flight", inFlight, s -> max - s.availablePermits())
                .description("ConfigSynced records received and not yet acknowledged").register(metrics);
    }

    @Incoming(Channels.CONFIG_SYNCED)
    @Blocking // ordered: one call at a time, in record order; it waits here only for a free in-flight slot
    CompletionStage<Void> onConfigSynced(Message<IncomingEvent> message) {
        IncomingEvent incoming = message.getPayload();
        EventEnvelope<ConfigSynced> sync;
        try {
            if (!incoming.isMalformed() && !incoming.is(ConfigSynced.class)) {
                return message.ack(); // another type on the topic: not ours
            }
            sync = incoming.require(ConfigSynced.class);
        } catch (MalformedEventException e) {
            String where = message.getMetadata(IncomingKafkaRecordMetadata.class)
                    .map(m -> m.getTopic() + "-" + m.getPartition() + "@" + m.getOffset()).orElse("?");
            Log.errorf("malformed record %s: %s (dead-lettered)", where, e.getMessage());
            return message.nack(e);
        }
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down: not acknowledged, so it is delivered again
            return CompletableFuture.failedFuture(e);
        }
        // the outcomes continue the incoming record's trace, whichever thread publishes them
        Optional<TracingMetadata> trace = message.getMetadata(TracingMetadata.class);
        CompletableFuture<Void> done;
        try {
            done = handler.submit(sync, outcomes -> events.publish(outcomes, trace));
        } catch (RuntimeException e) {
            inFlight.release();
            Log.errorf(e, "could not apply %s", incoming);
            return message.nack(e);
        }
        done.whenComplete((ignored, failure) -> {
            inFlight.release();
            if (failure == null) {
                message.ack();
            } else if (handler.stopping()) {
                Log.infof("shutting down before %s was applied: not acknowledged, delivered again", incoming);
            } else {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                Log.errorf(cause, "could not apply %s (dead-lettered)", incoming);
                message.nack(cause);
            }
        });
        return CompletableFuture.completedFuture(null);
    }
}
