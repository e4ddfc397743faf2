package dev.quayside.kit.messaging;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Knows when the service is shutting down (from Quarkus' {@link ShutdownEvent}, which comes before any bean is
 * destroyed): work that fails from then on is neither acknowledged nor dead-lettered, so it is delivered again.
 */
@ApplicationScoped
public class ShutdownWatch {

    private volatile boolean stopping;

    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        stopping = true;
    }

    /** Whether the service is shutting down. */
    public boolean stopping() {
        return stopping;
    }
}
