package dev.quayside.notifier.service;

import dev.quayside.events.EventEnvelope;
import dev.quayside.events.PipelineEvent;
import dev.quayside.kit.messaging.AsyncEventHandler;
import dev.quayside.kit.messaging.Delivery;
import dev.quayside.kit.messaging.Outcome;
import dev.quayside.kit.messaging.ShutdownWatch;
import dev.quayside.notifier.client.SentLogClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Handles every Quayside event, whatever its type: waits until the sent log has been read back, then hands the event to
 * {@link NotificationService}. It returns at once, so a slow or failing channel does not hold up the next record; the
 * record is settled when every channel has: acknowledged when each was sent, folded or a duplicate; dead-lettered with
 * the channels' reasons when one failed for good. An event whose time is before the baseline
 * ({@link SentLogClient#baseline}) is acknowledged without notifying. The notifier publishes no events.
 */
@ApplicationScoped
public class NotificationHandler implements AsyncEventHandler<PipelineEvent> {

    private static final Logger LOG = Logger.getLogger(NotificationHandler.class);

    private final NotificationService service;
    private final SentLogClient sentLog;
    private final ShutdownWatch shutdown;
    private final Counter beforeBaseline;
    private final Set<String> skippingPartitions = ConcurrentHashMap.newKeySet();

    NotificationHandler(NotificationService service, SentLogClient sentLog, ShutdownWatch shutdown,
            MeterRegistry registry) {
        this.service = service;
        this.sentLog = sentLog;
        this.shutdown = shutdown;
        this.beforeBaseline = registry.counter("quayside.notifier.skipped", "reason", "before-baseline");
    }

    @Override
    public Class<PipelineEvent> eventType() {
        return PipelineEvent.class;
    }

    @Override
    public CompletionStage<Outcome> handle(EventEnvelope<PipelineEvent> event, Delivery delivery) {
        return sentLog.whenLoaded().thenCompose(loaded -> {
            Instant baseline = sentLog.baseline();
            if (beforeBaseline(event.context().timestamp(), baseline)) {
                skip(event, delivery, baseline);
                return CompletableFuture.completedFuture(Outcome.nothing());
            }
            return service.handle(event).subscribeAsCompletionStage()
                    .thenApply(failures -> outcome(event, failures, shutdown.stopping()));
        });
    }

    /** Whether an event of this {@code time} is older than the baseline; an event without a time is notified. */
    static boolean beforeBaseline(Instant time, Instant baseline) {
        return time != null && time.isBefore(baseline);
    }

    /** Acknowledged without notifying: counted, and logged once per partition. */
    private void skip(EventEnvelope<PipelineEvent> event, Delivery delivery, Instant baseline) {
        beforeBaseline.increment();
        String position = delivery.position();
        int at = position.lastIndexOf('@');
        if (skippingPartitions.add(at < 0 ? position : position.substring(0, at))) {
            LOG.debugf("skipping events before the baseline %s on %s (first: %s %s at %s)", baseline, position,
                    event.type(), event.id(), event.context().timestamp());
        }
    }

    /**
     * Nothing to announce when every channel settled; the dead-letter reason naming the failed channels otherwise. A
     * failure while the notifier stops may be the stopping itself: it is thrown, so the shell leaves the record to be
     * delivered again (the channels that succeeded are skipped then, by the sent log).
     */
    static Outcome outcome(EventEnvelope<?> event, List<String> failures, boolean stopping) {
        if (failures.isEmpty()) {
            return Outcome.nothing();
        }
        String reason = event.type() + " " + event.id() + " not delivered: " + String.join("; ", failures);
        if (stopping) {
            throw new CancellationException("stopping: " + reason);
        }
        return Outcome.terminal(reason);
    }
}
