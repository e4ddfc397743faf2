package dev.quayside.marathonapplier;

import static org.awaitility.Awaitility.await;

import dev.quayside.events.EventEnvelope;
import dev.quayside.events.PipelineEvent;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/** The outcome events a test sees on {@code quayside.deployed}, followed from {@link #listen} until {@link #stop}. */
final class Outcomes {

    private final List<EventEnvelope<?>> events = new CopyOnWriteArrayList<>();
    private volatile boolean listening = true;
    private Thread listener;

    /** Starts following {@code quayside.deployed} from its beginning (once; later calls do nothing). */
    synchronized void listen(String bootstrap) {
        if (listener == null) {
            listener = DeployedTopic.listen(bootstrap, events, () -> listening);
        }
    }

    /** Every outcome event seen so far, in arrival order. */
    List<EventEnvelope<?>> all() {
        return events;
    }

    /** The outcome events of one chain, in arrival order. */
    List<PipelineEvent> ofChain(String chainId) {
        return events.stream().filter(e -> chainId.equals(e.chainId())).map(e -> (PipelineEvent) e.data()).toList();
    }

    /** Waits (up to 90 s) for the first event of {@code type} in the chain of {@code cause}. */
    <T extends PipelineEvent> T awaitOutcome(Class<T> type, EventEnvelope<?> cause) {
        return await().atMost(Duration.ofSeconds(90)).alias("a " + type.getSimpleName() + " of " + cause.chainId())
                .until(() -> events.stream()
                        .filter(e -> cause.chainId().equals(e.chainId()) && type.isInstance(e.data()))
                        .map(e -> type.cast(e.data())).findFirst().orElse(null), Objects::nonNull);
    }

    /** Stops the listener. */
    synchronized void stop() throws InterruptedException {
        listening = false;
        if (listener != null) {
            listener.join(5000);
        }
    }
}
