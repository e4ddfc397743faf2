package dev.quayside.notifier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quayside.devstack.kafka.KafkaBroker;
import dev.quayside.devstack.kafka.KafkaBrokerExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The sent log on the real broker: what one instance records, the next one (a restart) knows. */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaSentLogTest {

    @Test
    void whatWasRecordedSurvivesARestart(String bootstrapServers) throws Exception {
        String topic = "quayside.notifier.sent.test-" + UUID.randomUUID();
        String sent = KafkaSentLog.key("event-1", "slack");
        String folded = KafkaSentLog.key("event-2", "slack");
        String failed = KafkaSentLog.key("event-3", "slack");
        try (KafkaSentLog first = new KafkaSentLog(bootstrapServers, topic, Duration.ofDays(7))) {
            first.load(Duration.ofSeconds(30));
            assertThat(first.loadedRecords()).isZero();
            assertThat(first.claim(sent)).isTrue();
            assertThat(first.claim(sent)).as("a second claim while delivering").isFalse();
            first.record(sent, KafkaSentLog.SENT).toCompletableFuture().get();
            assertThat(first.claim(folded)).isTrue();
            first.record(folded, KafkaSentLog.FOLDED).toCompletableFuture().get();
            assertThat(first.claim(failed)).isTrue();
            first.release(failed);
        }
        try (KafkaSentLog restarted = new KafkaSentLog(bootstrapServers, topic, Duration.ofDays(7))) {
            restarted.load(Duration.ofSeconds(30));
            assertThat(restarted.loadedRecords()).isEqualTo(2);
            assertThat(restarted.state(sent)).contains(KafkaSentLog.SENT);
            assertThat(restarted.state(folded)).contains(KafkaSentLog.FOLDED);
            assertThat(restarted.claim(sent)).isFalse();
            assertThat(restarted.claim(folded)).isFalse();
            assertThat(restarted.claim(failed)).as("a failed delivery may be tried again").isTrue();
        }
    }

    /** The first load records the baseline; a restart keeps that one (and its record), so nothing new is skipped. */
    @Test
    void theBaselineOfTheFirstStartSurvivesRestarts(String bootstrapServers) throws Exception {
        String topic = "quayside.notifier.sent.test-" + UUID.randomUUID();
        Instant before = Instant.now();
        Instant first;
        try (KafkaSentLog log = new KafkaSentLog(bootstrapServers, topic, Duration.ofDays(7))) {
            assertThat(log.baseline()).as("before the first load").isEmpty();
            log.load(Duration.ofSeconds(30));
            first = log.baseline().orElseThrow();
            assertThat(first).isBetween(before, Instant.now());
            log.refreshBaseline().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        Thread.sleep(20);
        try (KafkaSentLog restarted = new KafkaSentLog(bootstrapServers, topic, Duration.ofDays(7))) {
            restarted.load(Duration.ofSeconds(30));
            assertThat(restarted.baseline()).contains(first);
            assertThat(restarted.loadedRecords()).as("the baseline is no delivery").isZero();
            assertThat(restarted.claim(KafkaSentLog.BASELINE_KEY.substring(0, 8) + "|slack")).isTrue();
        }
    }

    /** A broker that lets only a SCRAM user in, as a production cluster is reached: the log uses every kafka.* key. */
    @Test
    void theLogRecordsAndReadsBackThroughAScramListener() throws Exception {
        KafkaBroker.Scram user = new KafkaBroker.Scram("notifier", "sent-log-scram-password");
        try (KafkaBroker broker = KafkaBroker.start(KafkaBroker.Options.forTests().withScram(user))) {
            Map<String, Object> kafka = new HashMap<>(broker.clientProperties());
            kafka.put("bootstrap.servers", broker.bootstrapServers());
            kafka.put("group.id", "quayside-notifier"); // the channels' keys come along and must not disturb the log
            String topic = "quayside.notifier.sent.scram-" + UUID.randomUUID();
            String key = KafkaSentLog.key("event-1", "slack");
            try (KafkaSentLog first = new KafkaSentLog(kafka, topic, Duration.ofDays(7))) {
                first.load(Duration.ofSeconds(20));
                assertThat(first.claim(key)).isTrue();
                first.record(key, KafkaSentLog.SENT).toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            try (KafkaSentLog restarted = new KafkaSentLog(kafka, topic, Duration.ofDays(7))) {
                restarted.load(Duration.ofSeconds(20));
                assertThat(restarted.loadedRecords()).isEqualTo(1);
                assertThat(restarted.state(key)).contains(KafkaSentLog.SENT);
            }
            Map<String, Object> wrongPassword = new HashMap<>(kafka);
            wrongPassword.put("sasl.jaas.config", new KafkaBroker.Scram("notifier", "not-the-password").jaasConfig());
            try (KafkaSentLog intruder = new KafkaSentLog(wrongPassword, topic, Duration.ofDays(7))) {
                assertThatThrownBy(() -> intruder.load(Duration.ofSeconds(5))).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("Authentication failed");
                assertThat(intruder.isLoaded()).isFalse();
            }
        }
    }

    @Test
    void anUnreachableBrokerLeavesTheLogUnloadedWithTheReason() {
        try (KafkaSentLog log = new KafkaSentLog("127.0.0.1:1", "quayside.notifier.sent", Duration.ofDays(7))) {
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> log.load(Duration.ofSeconds(2)))
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("could not read quayside.notifier.sent on 127.0.0.1:1"));
            assertThat(log.isLoaded()).isFalse();
            assertThat(log.whenLoaded().toCompletableFuture().isDone()).isFalse();
        }
    }

    /** The kit's map: a compacted topic, and a key forgotten after the retention (the baseline never). */
    @Test
    void theTopicIsCompactedAndSentKeysExpireButNotTheBaseline(String bootstrapServers) throws Exception {
        String topic = "quayside.notifier.sent.test-" + UUID.randomUUID();
        String key = KafkaSentLog.key("event-1", "slack");
        try (KafkaSentLog log = new KafkaSentLog(bootstrapServers, topic, Duration.ofSeconds(2));
                org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                        java.util.Map.of("bootstrap.servers", bootstrapServers))) {
            log.load(Duration.ofSeconds(30));
            org.apache.kafka.common.config.ConfigResource resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
            var config = admin.describeConfigs(java.util.List.of(resource)).all().get().get(resource);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(log.claim(key)).isTrue();
            log.record(key, KafkaSentLog.SENT).toCompletableFuture().get(30, TimeUnit.SECONDS);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> log.state(key).isEmpty());
            assertThat(log.claim(key)).as("a key older than the retention").isTrue();
            Thread.sleep(2500);
            assertThat(log.baseline()).isPresent();
        }
        try (KafkaSentLog restarted = new KafkaSentLog(bootstrapServers, topic, Duration.ofSeconds(2))) {
            Instant restart = Instant.now();
            restarted.load(Duration.ofSeconds(30));
            assertThat(restarted.baseline().orElseThrow()).as("the first start's baseline, kept").isBefore(restart);
        }
    }
}
