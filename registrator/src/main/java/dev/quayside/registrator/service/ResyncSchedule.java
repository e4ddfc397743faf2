package dev.quayside.registrator.service;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/** The periodic full resync ({@code quayside.registrator.resync}); skipped while the event stream is down. */
@ApplicationScoped
class ResyncSchedule {

    private final Registrar registrar;
    private final EventStreamFollower stream;

    ResyncSchedule(Registrar registrar, EventStreamFollower stream) {
        this.registrar = registrar;
        this.stream = stream;
    }

    @Scheduled(identity = "registrator-resync", every = "${quayside.registrator.resync}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void resync() {
        if (stream.connected()) {
            registrar.submitSync("resync").exceptionally(failure -> null).join();
        }
    }
}
