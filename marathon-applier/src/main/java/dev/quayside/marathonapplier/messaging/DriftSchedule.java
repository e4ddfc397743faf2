package dev.quayside.marathonapplier.messaging;

import dev.quayside.kit.messaging.EventPublisher;
import dev.quayside.marathonapplier.service.DriftReconciler;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Runs the drift reconcile every {@code quayside.marathon-applier.drift-interval} (default 60s; {@code off} turns it
 * off), never two at once.
 */
@ApplicationScoped
class DriftSchedule {

    private final DriftReconciler reconciler;
    private final EventPublisher events;

    DriftSchedule(DriftReconciler reconciler, EventPublisher events) {
        this.reconciler = reconciler;
        this.events = events;
    }

    @Scheduled(every = "${quayside.marathon-applier.drift-interval:60s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reconcile() {
        try {
            events.publish(reconciler.reconcile());
        } catch (RuntimeException e) {
            Log.warnf("drift reconcile failed, will try again: %s", e.getMessage());
        }
    }
}
