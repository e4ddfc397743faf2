package dev.quayside.configsyncer.messaging;

import dev.quayside.configsyncer.config.ConfigSyncerConfig;
import dev.quayside.configsyncer.mirror.MirrorReconciler;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the mirror's backstop ({@link MirrorReconciler}) once when the service starts — announcing at once what a crash
 * left unannounced — and every {@code quayside.config-syncer.reconcile-interval} (default 3m; {@code off} turns the
 * periodic pass off), never two at once.
 */
@ApplicationScoped
class ReconcileSchedule {

    private final MirrorReconciler reconciler;
    private final Duration grace;

    ReconcileSchedule(MirrorReconciler reconciler, ConfigSyncerConfig config) {
        this.reconciler = reconciler;
        String interval = config.reconcileInterval();
        // a sync younger than one interval may still be being announced by whoever wrote it
        this.grace = interval.equals("off") || interval.equals("disabled") ? Duration.ofMinutes(3)
                : DurationConverter.parseDuration(interval);
    }

    void onStart(@Observes StartupEvent event) {
        CompletableFuture.runAsync(() -> reconciler.reconcile(Duration.ZERO));
    }

    @Scheduled(every = "${quayside.config-syncer.reconcile-interval:3m}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reconcile() {
        reconciler.reconcile(grace);
    }
}
