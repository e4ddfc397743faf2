package dev.quayside.marathonapplier;

import static org.awaitility.Awaitility.await;

import dev.quayside.events.EventEnvelope;
import dev.quayside.events.PipelineEvent;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The outcome events one test class sees on {@code quayside.deployed}: a class holds one in a static field, calls
 * {@link #listen} in its test (the broker's address is known only then), {@link #images()} from its {@code @BeforeAll}
 * and {@link #stop()} from its {@code @AfterAll}.
 */
final class Outcomes {

    private final List<EventEnvelope<?>> events = new CopyOnWriteArrayList<>();
    private volatile boolean listening = true;
    private Thread listener;

    /** Builds the sample app's images the tests deploy. */
    static void images() throws Exception {
        MarathonApplierTest.buildImages();
    }

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
