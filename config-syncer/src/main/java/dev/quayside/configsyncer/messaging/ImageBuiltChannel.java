package dev.quayside.configsyncer.messaging;

import dev.quayside.configsyncer.service.Handled;
import dev.quayside.configsyncer.service.ImageBuiltHandler;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.IncomingEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** {@code quayside.image-built} in: the tag write-back. */
@ApplicationScoped
class ImageBuiltChannel {

    private static final Logger LOG = Logger.getLogger(ImageBuiltChannel.class);

    private final ImageBuiltHandler handler;
    private final EventPublisher publisher;

    ImageBuiltChannel(ImageBuiltHandler handler, EventPublisher publisher) {
        this.handler = handler;
        this.publisher = publisher;
    }

    @Incoming(Channels.IMAGE_BUILT)
    @Blocking
    void onImageBuilt(IncomingEvent incoming) {
        EventEnvelope<ImageBuilt> in = incoming.require(ImageBuilt.class);
        Handled handled;
        try {
            handled = handler.handle(in);
        } catch (Exception e) {
            LOG.errorf(e, "write-back of %s failed", in.data().pinnedReference());
            handled = handler.failed(in, e);
        }
        publisher.publish(handled);
    }
}
