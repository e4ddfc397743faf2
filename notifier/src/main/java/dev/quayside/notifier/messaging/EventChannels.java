package dev.quayside.notifier.messaging;

import dev.quayside.events.IncomingEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * One channel per event topic (each with its own dead-letter configuration, lag and health), all handed to the same
 * {@link EventReceiver}. The names are the topic names without the {@code quayside.} prefix.
 */
@ApplicationScoped
class EventChannels {

    static final String COMMIT_PUSHED = "commit-pushed";
    static final String BUILDS = "builds";
    static final String IMAGE_BUILT = "image-built";
    static final String TAG_UPDATED = "tag-updated";
    static final String CONFIG_SYNCED = "config-synced";
    static final String DEPLOYED = "deployed";
    static final String CONTAINER_STARTED = "container-started";
    static final String ROUTES_UPDATED = "routes-updated";

    private final EventReceiver receiver;

    EventChannels(EventReceiver receiver) {
        this.receiver = receiver;
    }

    @Incoming(COMMIT_PUSHED)
    CompletionStage<Void> commitPushed(Message<IncomingEvent> message) {
        return receiver.receive(message);
    }

    @Incoming(BUILDS)
    CompletionStage<Void> builds(Message<IncomingEvent> message) {
        return receiver.receive(message);
    }

    @Incoming(IMAGE_BUILT)
    CompletionStage<Void> imageBuilt(Message<IncomingEvent> message) {
        return receiver.receive(message);
    }

    @Incoming(TAG_UPDATED)
    CompletionStage<Void> tagUpdated(Message<IncomingEvent> message) {
        return receiver.receive(message);
    }

    @Incoming(CONFIG_SYNCED)
    CompletionStage<Void> configSynced(Message<IncomingEvent> message) {
        return receiver.receive(message);
    }

    @Incoming(DEPLOYED)
    CompletionStage<Void> deployed(Message<IncomingEvent> message) {
        return receiver.receive(message);
    }

    @Incoming(CONTAINER_STARTED)
    CompletionStage<Void> containerStarted(Message<IncomingEvent> message) {
        return receiver.receive(message);
    }

    @Incoming(ROUTES_UPDATED)
    CompletionStage<Void> routesUpdated(Message<IncomingEvent> message) {
        return receiver.receive(message);
    }
}
