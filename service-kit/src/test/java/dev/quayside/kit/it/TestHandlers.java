package dev.quayside.kit.it;

import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.TagUpdated;
import dev.quayside.kit.messaging.AsyncEventHandler;
import dev.quayside.kit.messaging.Delivery;
import dev.quayside.kit.messaging.EventHandler;
import dev.quayside.kit.messaging.Outcome;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** The test application's handlers: what they do is chosen by the input's name. */
final class TestHandlers {

    private TestHandlers() {
    }

    /**
     * In order, on {@code quayside.commit-pushed}: {@code ok-*} announces a TagUpdated and a ConfigSynced (two topics),
     * {@code terminal-*} a FAILED TagUpdated and dead-letters, {@code boom-*} throws.
     */
    @ApplicationScoped
    static class Pushes implements EventHandler<CommitPushed> {

        @Override
        public Class<CommitPushed> eventType() {
            return CommitPushed.class;
        }

        @Override
        public Outcome handle(EventEnvelope<CommitPushed> event) {
            String name = event.data().repository();
            if (name.startsWith("terminal-")) {
                return Outcome.terminal(List.of(TestEvents.tag(event, name, TagUpdated.Outcome.FAILED, "refused")),
                        "refused: " + name);
            }
            if (name.startsWith("boom-")) {
                throw new IllegalStateException("boom in " + name);
            }
            return Outcome.of(TestEvents.tag(event, name, TagUpdated.Outcome.UPDATED, null),
                    TestEvents.synced(event, name));
        }

        @Override
        public Outcome failed(EventEnvelope<CommitPushed> event, Throwable failure) {
            String name = event.data().repository();
            return Outcome.terminal(List.of(TestEvents.tag(event, name, TagUpdated.Outcome.FAILED, failure.getMessage())),
                    failure.getMessage());
        }
    }

    /**
     * Concurrently, on {@code quayside.image-built}: publishes a TagUpdated through the delivery at once, then waits
     * for the test to {@link #finish} the app, then returns a ConfigSynced (or fails, for {@code fail-*}).
     */
    @ApplicationScoped
    static class Images implements AsyncEventHandler<ImageBuilt> {

        final Map<String, CompletableFuture<Void>> gates = new ConcurrentHashMap<>();

        CompletableFuture<Void> gate(String app) {
            return gates.computeIfAbsent(app, a -> new CompletableFuture<>());
        }

        void finish(String app) {
            gate(app).complete(null);
        }

        @Override
        public Class<ImageBuilt> eventType() {
            return ImageBuilt.class;
        }

        @Override
        public CompletionStage<Outcome> handle(EventEnvelope<ImageBuilt> event, Delivery delivery) {
            String app = event.data().app();
            return CompletableFuture.runAsync(() -> delivery.publish(List.of(TestEvents.tag(event, app,
                    TagUpdated.Outcome.UPDATED, null))))
                    .thenCompose(published -> gate(app))
                    .thenApply(done -> {
                        if (app.startsWith("fail-")) {
                            throw new IllegalStateException("deployment of " + app + " failed");
                        }
                        return Outcome.of(TestEvents.synced(event, app));
                    });
        }
    }
}
