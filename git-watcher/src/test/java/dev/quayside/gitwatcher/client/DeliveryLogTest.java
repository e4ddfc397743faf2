package dev.quayside.gitwatcher.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.devstack.kafka.KafkaBroker;
import dev.quayside.devstack.kafka.KafkaBrokerExtension;
import dev.quayside.kit.kafka.CompactedTopicMap;
import dev.quayside.kit.kafka.CompactedTopicMaps;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The claim protocol against the real broker: two instances, restarts, leases. */
@ExtendWith(KafkaBrokerExtension.class)
class DeliveryLogTest {

    private static final String ZERO = "0000000000000000000000000000000000000000";
    private static final String A = "a".repeat(40);
    private static final String B = "b".repeat(40);
    private static final String C = "c".repeat(40);
    private static final String D = "d".repeat(40);

    private static String freshTopic() {
        return "quayside.git-watcher.deliveries-test-" + UUID.randomUUID();
    }

    private static DeliveryLog open(String bootstrapServers, String topic, Duration lease) {
        DeliveryLog log = new DeliveryLog(CompactedTopicMaps.of(Map.of("bootstrap.servers", bootstrapServers)),
                new DeliveryLog.Settings(topic, 3, (short) 1, lease, Duration.ofSeconds(10), Duration.ofDays(3),
                        Duration.ofDays(30)), new SimpleMeterRegistry());
        log.awaitCaughtUp();
        return log;
    }

    @Test
    void twoInstancesClaimingTheSamePushesLetExactlyOneWinEach(String bootstrapServers) throws Exception {
        String topic = freshTopic();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (DeliveryLog a = open(bootstrapServers, topic, Duration.ofSeconds(30));
                DeliveryLog b = open(bootstrapServers, topic, Duration.ofSeconds(30))) {
            List<Future<DeliveryLog.ClaimResult>> fromA = new ArrayList<>();
            List<Future<DeliveryLog.ClaimResult>> fromB = new ArrayList<>();
            int pushes = 40;
            for (int i = 0; i < pushes; i++) {
                String push = "app|refs/heads/main|" + i;
                fromA.add(pool.submit(() -> a.claim(push)));
                fromB.add(pool.submit(() -> b.claim(push)));
            }
            for (int i = 0; i < pushes; i++) {
                DeliveryLog.ClaimResult ra = fromA.get(i).get(20, TimeUnit.SECONDS);
                DeliveryLog.ClaimResult rb = fromB.get(i).get(20, TimeUnit.SECONDS);
                assertThat(List.of(ra, rb)).as("push " + i)
                        .containsExactlyInAnyOrder(DeliveryLog.ClaimResult.WON,
                                DeliveryLog.ClaimResult.CLAIMED_ELSEWHERE);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anEmittedPushStaysEmittedAcrossARestart(String bootstrapServers) {
        String topic = freshTopic();
        try (DeliveryLog first = open(bootstrapServers, topic, Duration.ofSeconds(30))) {
            assertThat(first.claim("app|refs/heads/main|abc")).isEqualTo(DeliveryLog.ClaimResult.WON);
            first.markEmitted("app|refs/heads/main|abc", "event-1", "app", "refs/heads/main", ZERO, "abc");
            first.markDelivery("github", "delivery-1", "event-1");
        }
        try (DeliveryLog restarted = open(bootstrapServers, topic, Duration.ofSeconds(30))) {
            assertThat(restarted.emittedEventId("app|refs/heads/main|abc")).contains("event-1");
            assertThat(restarted.claim("app|refs/heads/main|abc")).isEqualTo(DeliveryLog.ClaimResult.ALREADY_EMITTED);
            assertThat(restarted.delivery("github", "delivery-1")).contains("event-1");
            assertThat(restarted.heads("app")).containsEntry("refs/heads/main", "abc");
            assertThat(restarted.claim("app|refs/heads/main|def")).isEqualTo(DeliveryLog.ClaimResult.WON);
        }
    }

    @Test
    void theAnnouncedRangesOfARefAreHandedToThePlanAcrossRestartsButNeverABaselineHead(String bootstrapServers) {
        String topic = freshTopic();
        String zero = ZERO;
        String a = "a".repeat(40);
        String b = "b".repeat(40);
        String c = "c".repeat(40);
        List<AnnouncedRanges> seen = new ArrayList<>();
        DeliveryLog.Steps announce = announcing(seen);
        // each step in a new instance: what it is handed comes from the topic, read back at start
        try (DeliveryLog log = open(bootstrapServers, topic, Duration.ofSeconds(30))) {
            log.poll("app", Map.of("refs/heads/main", a), announce); // the baseline: no event, nothing announced
            log.record("generic", "d-1", "app", List.of(new DeliveryLog.Update("refs/heads/main", a, b)), announce);
        }
        assertThat(seen).containsExactly((AnnouncedRanges) null);
        try (DeliveryLog log = open(bootstrapServers, topic, Duration.ofSeconds(30))) {
            log.record("generic", "d-2", "app", List.of(new DeliveryLog.Update("refs/heads/main", b, c),
                    new DeliveryLog.Update("refs/heads/other", zero, c)), announce);
        }
        assertThat(seen).containsExactly(null, announced(range(a, b, "event-b")), null);
        try (DeliveryLog log = open(bootstrapServers, topic, Duration.ofSeconds(30))) {
            DeliveryLog.Recorded late = log.record("generic", "d-3", "app",
                    List.of(new DeliveryLog.Update("refs/heads/main", a, b)),
                    (index, update, announced) -> RefUpdatePlan.duplicate(announced.ranges().get(0).eventId(),
                            "covered by " + announced.ranges()));
            assertThat(late.results()).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(DeliveryLog.Status.DUPLICATE);
                assertThat(r.eventId()).isEqualTo("event-c");
                assertThat(r.reason()).isEqualTo("covered by " + List.of(range(a, c, "event-c"))); // merged
            });
            assertThat(log.heads("app")).containsEntry("refs/heads/main", c);
            log.record("generic", "d-4", "app", List.of(new DeliveryLog.Update("refs/heads/other", c, zero)),
                    announce);
        }
        try (DeliveryLog log = open(bootstrapServers, topic, Duration.ofSeconds(30))) { // a deleted branch forgets it
            log.record("generic", "d-5", "app", List.of(new DeliveryLog.Update("refs/heads/other", zero, a)),
                    announce);
        }
        assertThat(seen.subList(3, 5)).containsExactly(announced(range(zero, c, "event-c")), null);
    }

    @Test
    void aLatePushReportedOutOfOrderIsRememberedBesideTheNewerOneAndLeavesTheHeadAlone(String bootstrapServers) {
        String topic = freshTopic();
        List<AnnouncedRanges> seen = new ArrayList<>();
        DeliveryLog.Steps announce = announcing(seen);
        try (DeliveryLog log = open(bootstrapServers, topic, Duration.ofSeconds(30))) {
            log.poll("app", Map.of("refs/heads/main", A), announce);
            log.record("generic", "d-1", "app", List.of(new DeliveryLog.Update("refs/heads/main", B, C)), announce);
            log.record("generic", "d-2", "app", List.of(new DeliveryLog.Update("refs/heads/main", A, B)), announce);
        }
        try (DeliveryLog log = open(bootstrapServers, topic, Duration.ofSeconds(30))) {
            assertThat(log.heads("app")).containsEntry("refs/heads/main", C); // not moved back to b
            log.record("generic", "d-3", "app", List.of(new DeliveryLog.Update("refs/heads/main", A, B)), announce);
        }
        assertThat(seen).containsExactly(null, announced(range(B, C, "event-c")),
                announced(range(A, C, "event-c")));
    }

    @Test
    void aPollPlansEachRefFromItsHeadAsItIsWhenItsTurnComesNotAsItWasWhenThePollListedIt(String bootstrapServers)
            throws Exception {
        String topic = freshTopic();
        ExecutorService webhooks = Executors.newSingleThreadExecutor();
        try (DeliveryLog log = open(bootstrapServers, topic, Duration.ofSeconds(30))) {
            List<AnnouncedRanges> seen = new ArrayList<>();
            log.poll("app", Map.of("refs/heads/a", A, "refs/heads/main", A), announcing(seen)); // the baseline
            List<DeliveryLog.Update> planned = new ArrayList<>();
            DeliveryLog.Steps poll = (index, update, announced) -> {
                planned.add(update);
                if (update.ref().equals("refs/heads/a")) { // meanwhile, a webhook announces main's push A → B
                    try {
                        webhooks.submit(() -> log.record("generic", "d-1", "app",
                                List.of(new DeliveryLog.Update("refs/heads/main", A, B)), announcing(seen)))
                                .get(20, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                return announcing(seen).plan(index, update, announced);
            };
            log.poll("app", new TreeMap<>(Map.of("refs/heads/a", C, "refs/heads/main", D)), poll);
            // main's push is B → D: the poll's A → D would announce B a second time
            assertThat(planned).containsExactly(new DeliveryLog.Update("refs/heads/a", A, C),
                    new DeliveryLog.Update("refs/heads/main", B, D));
        } finally {
            webhooks.shutdownNow();
        }
    }

    /**
     * Seen once in {@code bin/quayside chaos kafka-outage}: a webhook's event was published just before the broker
     * stopped, and its record could not be written; after the outage the poll planned the ref from the head before
     * that push, announcing its commit a second time in another chain. The published push is recorded before anything
     * else is planned.
     */
    @Test
    void aPushPublishedButNotRecordedBeforeTheBrokerStoppedIsRecordedBeforeThePollPlansTheRef() throws Exception {
        java.nio.file.Path dataDir = java.nio.file.Files.createTempDirectory("quayside-kafka-outage-");
        KafkaBroker broker = KafkaBroker.start(new KafkaBroker.Options(0, dataDir, 1, true));
        int port = Integer.parseInt(broker.bootstrapServers().substring(broker.bootstrapServers().lastIndexOf(':') + 1));
        String topic = freshTopic();
        DeliveryLog log = new DeliveryLog(CompactedTopicMaps.of(Map.of("bootstrap.servers", broker.bootstrapServers())),
                new DeliveryLog.Settings(topic, 1, (short) 1, Duration.ofSeconds(30), Duration.ofSeconds(3),
                        Duration.ofDays(3), Duration.ofDays(30)), new SimpleMeterRegistry());
        try {
            log.awaitCaughtUp();
            log.poll("app", Map.of("refs/heads/main", A), announcing(new ArrayList<>())); // the baseline
            KafkaBroker running = broker;
            DeliveryLog.Steps publishThenStop = (index, update, announced) -> RefUpdatePlan.announce(
                    "app|" + update.ref() + "|" + update.after(), "event-b", () -> running::close);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> log.record("generic", "d-1", "app",
                    List.of(new DeliveryLog.Update("refs/heads/main", A, B)), publishThenStop))
                    .isInstanceOf(RuntimeException.class);

            broker = KafkaBroker.start(new KafkaBroker.Options(port, dataDir, 1, true));
            List<DeliveryLog.Update> planned = new ArrayList<>();
            log.poll("app", Map.of("refs/heads/main", C), (index, update, announced) -> {
                planned.add(update);
                return announcing(new ArrayList<>()).plan(index, update, announced);
            });
            // A → C would announce B, already published, in a second chain
            assertThat(planned).containsExactly(new DeliveryLog.Update("refs/heads/main", B, C));
            assertThat(log.emittedEventId("app|refs/heads/main|" + B)).contains("event-b");
        } finally {
            log.close();
            broker.close();
        }
    }

    /**
     * {@code kill -9} of git-watcher between the broker's acknowledgement of a push's event and its record: the claim
     * is in the log, the record is not. The restarted instance's poll must not plan the ref from the head before that
     * push (announcing its commits in a second chain): while the claim's lease runs the ref is left alone (the claimer
     * may be alive and publishing), then the push is taken over and announced again with its own event id — a
     * redelivery to consumers — and the poll goes on from its head.
     */
    @Test
    void aPushClaimedAndPublishedButNeverRecordedIsFinishedBeforeThePollPlansTheRef(String bootstrapServers)
            throws Exception {
        String topic = freshTopic();
        Duration lease = Duration.ofSeconds(3);
        List<String> published = new ArrayList<>();
        DeliveryLog.Steps announce = (index, update, announced) -> RefUpdatePlan.announce(
                "app|" + update.ref() + "|" + update.after(), "event-" + update.after().charAt(0),
                () -> () -> published.add("event-" + update.after().charAt(0)));
        try (DeliveryLog dying = open(bootstrapServers, topic, lease)) {
            dying.poll("app", Map.of("refs/heads/main", A), announce); // the baseline
            DeliveryLog.Steps killedAfterPublishing = (index, update, announced) -> RefUpdatePlan.announce(
                    "app|" + update.ref() + "|" + update.after(), "event-b", () -> () -> {
                        published.add("event-b");
                        throw new IllegalStateException("killed before the record");
                    });
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> dying.record("generic", "d-1", "app",
                    List.of(new DeliveryLog.Update("refs/heads/main", A, B)), killedAfterPublishing))
                    .hasMessageContaining("killed");
        }
        try (DeliveryLog restarted = open(bootstrapServers, topic, lease)) {
            List<DeliveryLog.Update> planned = new ArrayList<>();
            DeliveryLog.Steps poll = (index, update, announced) -> {
                planned.add(update);
                return announce.plan(index, update, announced);
            };
            // within the lease: the claimer may be publishing it; the ref waits for the next poll
            DeliveryLog.Recorded early = restarted.poll("app", Map.of("refs/heads/main", C), poll);
            assertThat(early.results()).extracting(DeliveryLog.Result::status)
                    .containsExactly(DeliveryLog.Status.DUPLICATE);
            assertThat(planned).containsExactly(new DeliveryLog.Update("refs/heads/main", A, B));
            assertThat(published).containsExactly("event-b");

            Thread.sleep(lease.toMillis() + 500);
            planned.clear();
            DeliveryLog.Recorded later = restarted.poll("app", Map.of("refs/heads/main", C), poll);
            // A → C would announce B in a second chain: B's push is announced again with its own id, then B → C
            assertThat(planned).containsExactly(new DeliveryLog.Update("refs/heads/main", A, B),
                    new DeliveryLog.Update("refs/heads/main", B, C));
            assertThat(later.results()).extracting(DeliveryLog.Result::eventId).containsExactly("event-b", "event-c");
            assertThat(published).containsExactly("event-b", "event-b", "event-c");
            assertThat(restarted.heads("app")).containsEntry("refs/heads/main", C);
        }
    }

    @Test
    void anAnnouncedRecordOfTheOlderVersionCoversNothingButStillMerges(String bootstrapServers) {
        String topic = freshTopic();
        try (DeliveryLog log = open(bootstrapServers, topic, Duration.ofSeconds(30));
                CompactedTopicMap raw = CompactedTopicMaps.of(Map.of("bootstrap.servers", bootstrapServers))
                        .open(CompactedTopicMap.Options.of(topic).withPartitions(3, (short) 1), (k, e) -> { })) {
            raw.await(raw.put("app|refs/heads/main", "announced|app|refs/heads/main", C + " event-c"));
        }
        List<AnnouncedRanges> seen = new ArrayList<>();
        DeliveryLog.Steps announce = announcing(seen);
        try (DeliveryLog log = open(bootstrapServers, topic, Duration.ofSeconds(30))) {
            log.record("generic", "d-1", "app", List.of(new DeliveryLog.Update("refs/heads/main", C, D)), announce);
        }
        try (DeliveryLog log = open(bootstrapServers, topic, Duration.ofSeconds(30))) {
            log.record("generic", "d-2", "app", List.of(new DeliveryLog.Update("refs/heads/main", B, C)), announce);
        }
        assertThat(seen).containsExactly(announced(range(C, C, "event-c")), announced(range(C, D, "event-d")));
    }

    @Test
    void rangesMergeWhenContiguousAndAtMostEightDisjointOnesAreKept() {
        String[] s = new String[22];
        for (int i = 0; i < s.length; i++) {
            s[i] = String.format("%040d", i + 1);
        }
        AnnouncedRanges ranges = announced(range(s[2], s[3], "e3"))
                .with(range(s[0], s[1], "e1")) // a gap (s1, s2] between them
                .with(range(s[4], s[5], "e5"));
        assertThat(ranges.ranges()).containsExactly(range(s[4], s[5], "e5"), range(s[0], s[1], "e1"),
                range(s[2], s[3], "e3"));
        // the push that fills the gap joins both sides; the one after (s3, s4] all of them
        ranges = ranges.with(range(s[1], s[2], "e2"));
        assertThat(ranges.ranges()).containsExactly(range(s[0], s[3], "e3"), range(s[4], s[5], "e5"));
        ranges = ranges.with(range(s[3], s[4], "e4"));
        assertThat(ranges.ranges()).containsExactly(range(s[0], s[5], "e5"));
        // disjoint pushes (e.g. force pushes): the eight most recent are kept
        for (int i = 7; i < 19; i += 2) {
            ranges = ranges.with(range(s[i], s[i + 1], "e" + i));
        }
        assertThat(ranges.ranges()).hasSize(7);
        ranges = ranges.with(range(ZERO, s[6], "e6"));
        assertThat(ranges.ranges()).hasSize(AnnouncedRanges.KEPT);
        ranges = ranges.with(range(s[19], s[0], "e0")); // an older push before (s0, s5]: merged, moved first
        assertThat(ranges.ranges()).hasSize(AnnouncedRanges.KEPT).first().isEqualTo(range(s[19], s[5], "e5"));
        ranges = ranges.with(range(s[20], s[21], "e20")); // a ninth: the range changed longest ago is forgotten
        assertThat(ranges.ranges()).hasSize(AnnouncedRanges.KEPT).first().isEqualTo(range(s[20], s[21], "e20"));
        assertThat(ranges.ranges()).extracting(AnnouncedRanges.Range::head).doesNotContain(s[8]).contains(s[10], s[5]);
        assertThat(AnnouncedRanges.decode(ranges.encode())).isEqualTo(ranges);
    }

    /** Steps that announce every update (event id: "event-" and its head's first character), noting what they saw. */
    private static DeliveryLog.Steps announcing(List<AnnouncedRanges> seen) {
        return (index, update, announced) -> {
            seen.add(announced);
            return RefUpdatePlan.announce("app|" + update.ref() + "|" + update.after(), "event-" + update.after()
                    .charAt(0), () -> () -> { });
        };
    }

    private static AnnouncedRanges.Range range(String before, String head, String eventId) {
        return new AnnouncedRanges.Range(before, head, eventId);
    }

    private static AnnouncedRanges announced(AnnouncedRanges.Range... ranges) {
        return new AnnouncedRanges(List.of(ranges));
    }

    @Test
    void aClaimWithoutEmitIsTakenOverAfterTheLease(String bootstrapServers) throws Exception {
        String topic = freshTopic();
        try (DeliveryLog a = open(bootstrapServers, topic, Duration.ofMillis(500));
                DeliveryLog b = open(bootstrapServers, topic, Duration.ofMillis(500))) {
            assertThat(a.claim("app|refs/heads/main|x")).isEqualTo(DeliveryLog.ClaimResult.WON);
            assertThat(b.claim("app|refs/heads/main|x")).isEqualTo(DeliveryLog.ClaimResult.CLAIMED_ELSEWHERE);
            Thread.sleep(700); // a "dies" before emitting
            assertThat(b.claim("app|refs/heads/main|x")).isEqualTo(DeliveryLog.ClaimResult.WON);
            b.markEmitted("app|refs/heads/main|x", "event-x", "app", "refs/heads/main", ZERO, "x");
            assertThat(a.claim("app|refs/heads/main|x")).isEqualTo(DeliveryLog.ClaimResult.ALREADY_EMITTED);
        }
    }
}
