package dev.quayside.notifier.messaging;

import dev.quayside.events.IncomingEvent;
import dev.quayside.kit.messaging.EventConsumer;
import dev.quayside.notifier.service.NotificationHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * One channel per event topic (each with its own dead-letter configuration, lag and health), each handing its records
 * to the kit's consumer shell with the one {@link NotificationHandler}. The names are the topic names without the
 * {@code quayside.} prefix. The handler returns at once (its deliveries run concurrently); the shell settles each record
 * when its deliveries have: acknowledged, or dead-lettered to {@code quayside.notifier.dlq} with the reason.
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

    private final EventConsumer consumer;
    private final NotificationHandler handler;

    EventChannels(EventConsumer consumer, NotificationHandler handler) {
        this.consumer = consumer;
        this.handler = handler;
    }

    @Incoming(COMMIT_PUSHED)
    CompletionStage<Void> commitPushed(Message<IncomingEvent> message) {
        return consumer.consume(message, handler);
    }

    @Incoming(BUILDS)
    CompletionStage<Void> builds(Message<IncomingEvent> message) {
        return consumer.consume(message, handler);
    }

    @Incoming(IMAGE_BUILT)
    CompletionStage<Void> imageBuilt(Message<IncomingEvent> message) {
        return consumer.consume(message, handler);
    }

    @Incoming(TAG_UPDATED)
    CompletionStage<Void> tagUpdated(Message<IncomingEvent> message) {
        return consumer.consume(message, handler);
    }

    @Incoming(CONFIG_SYNCED)
    CompletionStage<Void> configSynced(Message<IncomingEvent> message) {
        return consumer.consume(message, handler);
    }

    @Incoming(DEPLOYED)
    CompletionStage<Void> deployed(Message<IncomingEvent> message) {
        return consumer.consume(message, handler);
    }

    @Incoming(CONTAINER_STARTED)
    CompletionStage<Void> containerStarted(Message<IncomingEvent> message) {
        return consumer.consume(message, handler);
    }

    @Incoming(ROUTES_UPDATED)
    CompletionStage<Void> routesUpdated(Message<IncomingEvent> message) {
        return consumer.consume(message, handler);
    }
}
