package dev.quayside.gitwatcher.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.devstack.kafka.KafkaBrokerExtension;
import dev.quayside.kit.kafka.CompactedTopicMaps;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
            first.markEmitted("app|refs/heads/main|abc", "event-1", "app", "refs/heads/main", "abc");
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
    void theLastAnnouncedHeadOfARefIsHandedToThePlanAcrossRestartsButNeverABaselineHead(String bootstrapServers) {
        String topic = freshTopic();
        String zero = "0000000000000000000000000000000000000000";
        String a = "a".repeat(40);
        String b = "b".repeat(40);
        String c = "c".repeat(40);
        List<DeliveryLog.Announced> seen = new ArrayList<>();
        DeliveryLog.Steps announce = (index, update, announced) -> {
            seen.add(announced);
            return DeliveryLog.Plan.announce("app|" + update.ref() + "|" + update.after(), "event-" + update.after()
                    .charAt(0), () -> () -> { });
        };
        // each step in a new instance: what it is handed comes from the topic, read back at start
        try (DeliveryLog log = open(bootstrapServers, topic, Duration.ofSeconds(30))) {
            log.poll("app", Map.of("refs/heads/main", a), announce); // the baseline: no event, nothing announced
            log.record("generic", "d-1", "app", List.of(new DeliveryLog.Update("refs/heads/main", a, b)), announce);
        }
        assertThat(seen).containsExactly((DeliveryLog.Announced) null);
        try (DeliveryLog log = open(bootstrapServers, topic, Duration.ofSeconds(30))) {
            log.record("generic", "d-2", "app", List.of(new DeliveryLog.Update("refs/heads/main", b, c),
                    new DeliveryLog.Update("refs/heads/other", zero, c)), announce);
        }
        assertThat(seen).containsExactly(null, new DeliveryLog.Announced(b, "event-b"), null);
        try (DeliveryLog log = open(bootstrapServers, topic, Duration.ofSeconds(30))) {
            DeliveryLog.Recorded late = log.record("generic", "d-3", "app",
                    List.of(new DeliveryLog.Update("refs/heads/main", a, b)),
                    (index, update, announced) -> DeliveryLog.Plan.duplicate(announced.eventId(), "covered by "
                            + announced.head()));
            assertThat(late.results()).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(DeliveryLog.Status.DUPLICATE);
                assertThat(r.eventId()).isEqualTo("event-c");
                assertThat(r.reason()).isEqualTo("covered by " + c);
            });
            assertThat(log.heads("app")).containsEntry("refs/heads/main", c);
            log.record("generic", "d-4", "app", List.of(new DeliveryLog.Update("refs/heads/other", c, zero)),
                    announce);
        }
        try (DeliveryLog log = open(bootstrapServers, topic, Duration.ofSeconds(30))) { // a deleted branch forgets it
            log.record("generic", "d-5", "app", List.of(new DeliveryLog.Update("refs/heads/other", zero, a)),
                    announce);
        }
        assertThat(seen.subList(3, 5)).containsExactly(new DeliveryLog.Announced(c, "event-c"), null);
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
            b.markEmitted("app|refs/heads/main|x", "event-x", "app", "refs/heads/main", "x");
            assertThat(a.claim("app|refs/heads/main|x")).isEqualTo(DeliveryLog.ClaimResult.ALREADY_EMITTED);
        }
    }
}
