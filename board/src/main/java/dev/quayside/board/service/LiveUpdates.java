package dev.quayside.board.service;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The board's changes as they happen, for the SSE streams. {@link BoardView} publishes under its lock, so a subscriber
 * that subscribes first and then takes a snapshot (under the same lock) misses nothing and sees nothing older than
 * its snapshot after it.
 */
@ApplicationScoped
public class LiveUpdates {

    /**
     * One change.
     *
     * @param kind {@code chain} ({@link Views.Chain}), {@code app} ({@link Views.AppRow}), {@code failure}
     *             ({@link Views.Failure}), {@code event} ({@link Views.Event}), {@code log} ({@link Views.LogLine}),
     *             {@code log-end} (the build id: its log is complete)
     * @param id   the chain id, app name, event id or build id it concerns
     */
    public record Update(String kind, String id, Object data) {
    }

    private final BroadcastProcessor<Update> processor = BroadcastProcessor.create();
    private final AtomicInteger subscribers = new AtomicInteger();

    /** Whether anyone listens: the view builds updates only then. */
    boolean listened() {
        return subscribers.get() > 0;
    }

    void publish(Update update) {
        processor.onNext(update);
    }

    /** Every change from now on, until the subscriber cancels. */
    public Multi<Update> stream() {
        return processor
                .onSubscription().invoke(s -> subscribers.incrementAndGet())
                .onTermination().invoke(subscribers::decrementAndGet);
    }
}
