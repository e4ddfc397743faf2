package dev.quayside.kit.it;

import dev.quayside.events.IncomingEvent;
import dev.quayside.kit.messaging.EventConsumer;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** The test application's channel methods: one line each, as in every service. */
@ApplicationScoped
class TestChannels {

    static final String PUSHES = "kit-pushes";
    static final String IMAGES = "kit-images";

    private final EventConsumer consumer;
    private final TestHandlers.Pushes pushes;
    private final TestHandlers.Images images;

    TestChannels(EventConsumer consumer, TestHandlers.Pushes pushes, TestHandlers.Images images) {
        this.consumer = consumer;
        this.pushes = pushes;
        this.images = images;
    }

    @Incoming(PUSHES)
    @Blocking
    CompletionStage<Void> onPush(Message<IncomingEvent> message) {
        return consumer.consume(message, pushes);
    }

    @Incoming(IMAGES)
    @Blocking
    CompletionStage<Void> onImage(Message<IncomingEvent> message) {
        return consumer.consume(message, images);
    }
}
