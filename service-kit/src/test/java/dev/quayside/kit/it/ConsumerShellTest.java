package dev.quayside.kit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.kafka.KafkaBrokerResource;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.IncomingEvent;
import dev.quayside.events.TagUpdated;
import dev.quayside.events.Topics;
import dev.quayside.events.kafka.EventSerializer;
import dev.quayside.kit.messaging.AsyncEventHandler;
import dev.quayside.kit.messaging.Delivery;
import dev.quayside.kit.messaging.EventConsumer;
import dev.quayside.kit.messaging.EventNotPublishedException;
import dev.quayside.kit.messaging.EventPublisher;
import dev.quayside.kit.messaging.Outcome;
import dev.quayside.kit.retry.RetryPolicy;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The consumer shell and the publisher against the real broker, through the test application's two channels. */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class ConsumerShellTest {

    static final String DLQ = "quayside.kit-test.dlq";
    static Records records;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @Inject
    EventConsumer consumer;
    @Inject
    EventPublisher publisher;
    @Inject
    TestHandlers.Pushes pushes;
    @Inject
    TestHandlers.Images images;

    @BeforeEach
    void listen() {
        if (records == null) {
            records = new Records(bootstrap, List.of(Topics.TAG_UPDATED, Topics.CONFIG_SYNCED, DLQ));
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (records != null) {
            records.close();
            records = null;
        }
    }

    @Test
    void eachEventLandsOnItsOwnTopicThroughTheOneChannel() throws Exception {
        EventEnvelope<CommitPushed> push = TestEvents.push("ok-topics");
        records.send(push);
        await().atMost(Duration.ofSeconds(30)).until(() -> !records.events(Topics.CONFIG_SYNCED, push.id()).isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> !records.events(Topics.TAG_UPDATED, push.id()).isEmpty());
        assertThat(records.events(Topics.TAG_UPDATED, push.id())).singleElement()
                .satisfies(e -> assertThat(e.data()).isInstanceOf(TagUpdated.class));
        assertThat(records.events(Topics.CONFIG_SYNCED, push.id())).singleElement()
                .satisfies(e -> assertThat(e.data()).isInstanceOf(ConfigSynced.class));
        EventEnvelope<?> tag = records.events(Topics.TAG_UPDATED, push.id()).get(0);
        assertThat(records.withKey(Topics.TAG_UPDATED, tag.key())).as("keyed by the envelope's key").isNotEmpty();
        assertThat(records.withKey("quayside.unrouted", tag.key())).isEmpty();
    }

    @Test
    void aMalformedRecordIsDeadLetteredWithTheReason() throws Exception {
        records.sendRaw(Topics.COMMIT_PUSHED, "garbage-key", "not an event".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).until(() -> !records.withKey(DLQ, "garbage-key").isEmpty());
        ConsumerRecord<String, byte[]> dead = records.withKey(DLQ, "garbage-key").get(0);
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("not an event");
        assertThat(Records.header(dead, "dead-letter-reason")).isNotBlank();
        assertThat(Records.header(dead, "dead-letter-topic")).isEqualTo(Topics.COMMIT_PUSHED);
    }

    @Test
    void aTerminalOutcomeIsAnnouncedAndDeadLettered() throws Exception {
        EventEnvelope<CommitPushed> push = TestEvents.push("terminal-one");
        records.send(push);
        await().atMost(Duration.ofSeconds(30)).until(() -> !records.withKey(DLQ, push.key()).isEmpty());
        ConsumerRecord<String, byte[]> dead = records.withKey(DLQ, push.key()).get(0);
        assertThat(Records.header(dead, "dead-letter-reason")).isEqualTo("refused: terminal-one");
        byte[] original = new EventSerializer().serialize(Topics.COMMIT_PUSHED, new RecordHeaders(), push);
        assertThat(dead.value()).as("the original record, for a replay").isEqualTo(original);
        assertThat(records.events(Topics.TAG_UPDATED, push.id())).singleElement()
                .satisfies(e -> assertThat(((TagUpdated) e.data()).outcome()).isEqualTo(TagUpdated.Outcome.FAILED));
    }

    @Test
    void anExceptionIsAnnouncedTheHandlersWayAndDeadLettered() throws Exception {
        EventEnvelope<CommitPushed> push = TestEvents.push("boom-one");
        records.send(push);
        await().atMost(Duration.ofSeconds(30)).until(() -> !records.withKey(DLQ, push.key()).isEmpty());
        assertThat(Records.header(records.withKey(DLQ, push.key()).get(0), "dead-letter-reason"))
                .isEqualTo("boom in boom-one");
        await().atMost(Duration.ofSeconds(10)).until(() -> !records.events(Topics.TAG_UPDATED, push.id()).isEmpty());
        assertThat(records.events(Topics.TAG_UPDATED, push.id())).singleElement()
                .satisfies(e -> assertThat(((TagUpdated) e.data()).reason()).isEqualTo("boom in boom-one"));
    }

    @Test
    void anotherTypeOnTheTopicIsSkippedAndTheNextRecordHandled() throws Exception {
        EventEnvelope<CommitPushed> before = TestEvents.push("ok-before");
        EventEnvelope<TagUpdated> stranger = TestEvents.tag(before, "stranger", TagUpdated.Outcome.UPDATED, null);
        // a TagUpdated written onto the commit-pushed topic
        byte[] value = new EventSerializer().serialize(Topics.COMMIT_PUSHED, new RecordHeaders(), stranger);
        records.sendRaw(Topics.COMMIT_PUSHED, "stranger-key", value);
        EventEnvelope<CommitPushed> after = TestEvents.push("ok-after");
        records.send(after);
        await().atMost(Duration.ofSeconds(30)).until(() -> !records.events(Topics.CONFIG_SYNCED, after.id()).isEmpty());
        assertThat(records.withKey(DLQ, "stranger-key")).as("skipped, not dead-lettered").isEmpty();
    }

    @Test
    void theEventsArePublishedBeforeTheRecordIsAcknowledged() throws Exception {
        EventEnvelope<CommitPushed> push = TestEvents.push("ok-order");
        AtomicReference<List<EventEnvelope<?>>> atAck = new AtomicReference<>();
        CompletableFuture<Void> acked = new CompletableFuture<>();
        Message<IncomingEvent> message = Message.of(IncomingEvent.decoded(push, new byte[0]))
                .withAck(() -> {
                    // what the broker holds when the record is acknowledged
                    atAck.set(records.readNow(Topics.CONFIG_SYNCED, push.id()));
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                });
        CompletableFuture.runAsync(() -> consumer.consume(message, pushes)).get(60, java.util.concurrent.TimeUnit.SECONDS);
        acked.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(atAck.get()).as("the broker held the handler's event when the record was acknowledged")
                .singleElement().satisfies(e -> assertThat(e.data()).isInstanceOf(ConfigSynced.class));
    }

    @Test
    void aConcurrentHandlerReturnsAtOnceAndIsAcknowledgedWhenItsWorkIsDone() throws Exception {
        EventEnvelope<ImageBuilt> image = TestEvents.image("slow-app");
        Settled settled = Settled.of(image);
        CompletableFuture<Void> acked = settled.acked();
        CompletableFuture<Throwable> nacked = settled.nacked();
        CompletableFuture.supplyAsync(() -> consumer.consume(settled.message(), images)).get().toCompletableFuture()
                .get();
        // the work published its first event through the delivery, and is waiting: not acknowledged yet
        await().atMost(Duration.ofSeconds(30)).until(() -> !records.events(Topics.TAG_UPDATED, image.chainId()).isEmpty());
        assertThat(acked).isNotDone();
        assertThat(nacked).isNotDone();
        images.finish("slow-app");
        acked.get(30, java.util.concurrent.TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> !records.events(Topics.CONFIG_SYNCED, image.chainId()).isEmpty());
        assertThat(nacked).isNotDone();
    }

    @Test
    void aConcurrentHandlersFailureIsDeadLetteredThroughTheChannel() throws Exception {
        EventEnvelope<ImageBuilt> image = TestEvents.image("fail-app");
        images.finish("fail-app");
        records.send(image);
        await().atMost(Duration.ofSeconds(30)).until(() -> !records.withKey(DLQ, image.key()).isEmpty());
        assertThat(Records.header(records.withKey(DLQ, image.key()).get(0), "dead-letter-reason"))
                .isEqualTo("deployment of fail-app failed");
    }

    @Test
    void thePublisherCarriesTheKeyAndWaitsForTheBroker() {
        EventEnvelope<CommitPushed> push = TestEvents.push("direct");
        EventEnvelope<ConfigSynced> synced = TestEvents.synced(push, "direct");
        publisher.publish(List.of(synced), Optional.empty());
        await().atMost(Duration.ofSeconds(10)).until(() -> !records.withKey(Topics.CONFIG_SYNCED, synced.key()).isEmpty());
    }

    /**
     * Thousands of outcomes published at once — a drift pass over a config repository of 1,000 apps, a full sync of
     * it — on a thread with the services' stack size ({@code -Xss512k}, deploy/jvm.options). Chaining one Uni per
     * event made subscribing as many calls deep as there were events: a StackOverflowError and nothing published
     * (marathon-applier's drift pass failed so every minute in the control-plane benchmark's 1,000-app run, where
     * the services' C1-compiled frames are larger than this test JVM's).
     */
    @Test
    void fiveThousandEventsPublishedAtOnceReachTheBrokerInOrderOnASmallStack() throws Exception {
        List<EventEnvelope<ConfigSynced>> many = IntStream.range(0, 5_000)
                .mapToObj(i -> TestEvents.synced(TestEvents.push("many-" + i), "many")).toList();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread small = new Thread(null, () -> {
            try {
                publisher.publish(many, Optional.empty());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "small-stack", 512 * 1024);
        small.start();
        small.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(failure.get()).isNull();
        await().atMost(Duration.ofSeconds(30)).until(() -> records.withKey(Topics.CONFIG_SYNCED, "many/main").size()
                == many.size());
        assertThat(records.withKey(Topics.CONFIG_SYNCED, "many/main")).extracting(r -> new String(
                r.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(many.stream().map(EventEnvelope::id).toList());
    }

    /** Fails its first {@code failures} attempts as work whose own event the broker did not take, then is done. */
    static final class NotPublishedAtFirst implements AsyncEventHandler<ImageBuilt> {
        final AtomicInteger attempts = new AtomicInteger();
        private final int failures;

        NotPublishedAtFirst(int failures) {
            this.failures = failures;
        }

        @Override
        public Class<ImageBuilt> eventType() {
            return ImageBuilt.class;
        }

        @Override
        public CompletionStage<Outcome> handle(EventEnvelope<ImageBuilt> event, Delivery delivery) {
            if (attempts.incrementAndGet() <= failures) {
                return CompletableFuture.failedFuture(new EventNotPublishedException(event, "no ack (simulated)",
                        new IllegalStateException("broker away")));
            }
            return CompletableFuture.completedFuture(Outcome.of(TestEvents.tag(event, "again",
                    TagUpdated.Outcome.UPDATED, null)));
        }
    }

    /** The record's ack and nack, as futures. */
    record Settled(Message<IncomingEvent> message, CompletableFuture<Void> acked,
            CompletableFuture<Throwable> nacked) {

        static Settled of(EventEnvelope<?> event) {
            CompletableFuture<Void> acked = new CompletableFuture<>();
            CompletableFuture<Throwable> nacked = new CompletableFuture<>();
            Message<IncomingEvent> message = Message.of(IncomingEvent.decoded(event, new byte[0]))
                    .withAck(() -> {
                        acked.complete(null);
                        return CompletableFuture.completedFuture(null);
                    }).withNack(failure -> {
                        nacked.complete(failure);
                        return CompletableFuture.completedFuture(null);
                    });
            return new Settled(message, acked, nacked);
        }
    }

    @Test
    void aConsumerThatChoseToHandleAgainHandlesARecordWhoseEventsWereNotPublishedAgainAndAcknowledgesIt()
            throws Exception {
        EventEnvelope<ImageBuilt> image = TestEvents.image("again-app");
        NotPublishedAtFirst handler = new NotPublishedAtFirst(2);
        Settled settled = Settled.of(image);
        RetryPolicy quick = RetryPolicy.of(Duration.ofMillis(100), 2, Duration.ofSeconds(1), Duration.ofSeconds(30), 5,
                0);
        consumer.consume(settled.message(), handler, quick).toCompletableFuture().get(10, TimeUnit.SECONDS);
        settled.acked().get(30, TimeUnit.SECONDS);
        assertThat(handler.attempts).as("two attempts whose events were not published, then one that was").hasValue(3);
        assertThat(settled.nacked()).as("neither dead-lettered nor announced as failed").isNotDone();
        await().atMost(Duration.ofSeconds(10)).until(() -> !records.events(Topics.TAG_UPDATED, image.chainId())
                .isEmpty());
        assertThat(records.events(Topics.TAG_UPDATED, image.chainId())).singleElement()
                .satisfies(e -> assertThat(((TagUpdated) e.data()).outcome()).isEqualTo(TagUpdated.Outcome.UPDATED));
    }

    @Test
    void aConsumerThatChoseToHandleAgainLeavesTheRecordUnacknowledgedOnceItsRetriesAreUsedUp() throws Exception {
        EventEnvelope<ImageBuilt> image = TestEvents.image("again-never-app");
        NotPublishedAtFirst handler = new NotPublishedAtFirst(Integer.MAX_VALUE);
        Settled settled = Settled.of(image);
        RetryPolicy twice = RetryPolicy.of(Duration.ofMillis(50), 2, Duration.ofSeconds(1), Duration.ofSeconds(30), 2, 0);
        consumer.consume(settled.message(), handler, twice).toCompletableFuture().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> handler.attempts.get() == 3);
        Thread.sleep(1000); // no fourth attempt, no settling
        assertThat(handler.attempts).hasValue(3);
        assertThat(settled.acked()).isNotDone();
        assertThat(settled.nacked()).as("delivered again after a restart or a rebalance, not dead-lettered")
                .isNotDone();
    }

    @Test
    void everyOtherConsumerDeadLettersARecordWhoseWorksEventsWereNotPublished() throws Exception {
        EventEnvelope<ImageBuilt> image = TestEvents.image("no-again-app");
        NotPublishedAtFirst handler = new NotPublishedAtFirst(1);
        Settled settled = Settled.of(image);
        consumer.consume(settled.message(), handler).toCompletableFuture().get(10, TimeUnit.SECONDS);
        Throwable reason = settled.nacked().get(30, TimeUnit.SECONDS);
        assertThat(reason).hasMessageContaining("no ack (simulated)");
        assertThat(handler.attempts).hasValue(1);
        assertThat(settled.acked()).isNotDone();
    }
}
