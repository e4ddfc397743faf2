package dev.quayside.kit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quayside.devstack.kafka.KafkaBroker;
import dev.quayside.devstack.kafka.KafkaBrokerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The compacted-topic map against the real broker: two instances, restarts, partition keys, expiry, outages. */
@ExtendWith(KafkaBrokerExtension.class)
class CompactedTopicMapTest {

    private static CompactedTopicMap.Options options(String topic) {
        return CompactedTopicMap.Options.of(topic).withPartitions(3, (short) 1).withTimeout(Duration.ofSeconds(10));
    }

    private static CompactedTopicMap open(String bootstrapServers, CompactedTopicMap.Options options,
            CompactedTopicMap.Listener listener) {
        CompactedTopicMap map = CompactedTopicMaps.of(Map.of("bootstrap.servers", bootstrapServers))
                .open(options, listener);
        map.awaitCaughtUp();
        return map;
    }

    private static String freshTopic() {
        return "quayside.kit.map-test-" + UUID.randomUUID();
    }

    @Test
    void anotherInstanceSeesAWriteOnceItIsAppliedAndARestartReadsTheStateBack(String bootstrapServers) {
        String topic = freshTopic();
        try (CompactedTopicMap a = open(bootstrapServers, options(topic), null);
                CompactedTopicMap b = open(bootstrapServers, options(topic), null)) {
            CompactedTopicMap.Written written = a.putAndAwait("app", "head|app|main", "c1");
            assertThat(a.value("head|app|main")).contains("c1");
            b.awaitApplied(written);
            assertThat(b.value("head|app|main")).contains("c1");
            b.awaitApplied(a.await(a.remove("app", "head|app|main")));
            assertThat(b.get("head|app|main")).isEmpty();
            a.putAndAwait("app", "head|app|release", "c2");
        }
        try (CompactedTopicMap restarted = open(bootstrapServers, options(topic), null)) {
            assertThat(restarted.get("head|app|main")).isEmpty();
            assertThat(restarted.get("head|app|release")).hasValueSatisfying(entry -> {
                assertThat(entry.value()).isEqualTo("c2");
                assertThat(entry.timestamp()).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset
                        .offset(60_000L));
            });
            assertThat(restarted.size()).isEqualTo(1);
        }
    }

    @Test
    void recordsOfOnePartitionKeyShareAPartitionAndTheListenerSeesThemInLogOrder(String bootstrapServers) {
        String topic = freshTopic();
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        try (CompactedTopicMap map = open(bootstrapServers, options(topic),
                (key, entry) -> seen.add(key + "=" + (entry == null ? "tombstone" : entry.value())))) {
            Map<Integer, Integer> partitionsUsed = new HashMap<>();
            List<CompactedTopicMap.Written> writes = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String push = "app|refs/heads/main|" + i;
                writes.add(map.await(map.put(push, "claim|" + push, "n" + i)));
                writes.add(map.await(map.put(push, "emitted|" + push, "e" + i)));
                writes.add(map.await(map.remove(push, "claim|" + push)));
                assertThat(writes.subList(writes.size() - 3, writes.size()))
                        .extracting(CompactedTopicMap.Written::partition).as(push).containsOnly(map.partition(push));
                partitionsUsed.merge(map.partition(push), 1, Integer::sum);
            }
            assertThat(partitionsUsed).as("20 partition keys over 3 partitions").hasSizeGreaterThan(1);
            map.awaitOwnWrites();
            for (int i = 0; i < 20; i++) {
                String push = "app|refs/heads/main|" + i;
                assertThat(seen).containsSubsequence("claim|" + push + "=n" + i, "emitted|" + push + "=e" + i,
                        "claim|" + push + "=tombstone");
                assertThat(map.value("emitted|" + push)).contains("e" + i);
                assertThat(map.get("claim|" + push)).isEmpty();
            }
        }
    }

    @Test
    void entriesOlderThanTheirRetentionAreGoneAndTombstonedInTheTopic(String bootstrapServers) throws Exception {
        String topic = freshTopic();
        CompactedTopicMap.Options expiring = options(topic).withRetention(
                key -> key.startsWith("delivery|") ? Duration.ofSeconds(2) : null, Duration.ofMillis(200))
                .withTopicConfigs(Map.of("segment.ms", "3600000"));
        try (CompactedTopicMap map = open(bootstrapServers, expiring, null)) {
            map.putAndAwait("github|d1", "delivery|github|d1", "event-1");
            map.putAndAwait("app", "head|app|main", "c1");
            assertThat(map.value("delivery|github|d1")).contains("event-1");
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> map.get("delivery|github|d1").isEmpty()
                    && map.size() == 1);
            assertThat(map.value("head|app|main")).as("kept without retention").contains("c1");
        }
        // the expiry is in the topic itself: a tombstone after the record, and a restarted map holds nothing of it
        List<String> written = records(bootstrapServers, topic, "delivery|github|d1");
        assertThat(written).first().isEqualTo("event-1");
        assertThat(written.subList(1, written.size())).as("tombstones").isNotEmpty().containsOnlyNulls();
        try (CompactedTopicMap restarted = open(bootstrapServers, expiring, null)) {
            assertThat(restarted.get("delivery|github|d1")).isEmpty();
            assertThat(restarted.value("head|app|main")).contains("c1");
            assertThat(restarted.size()).isEqualTo(1);
        }
        assertThat(topicConfig(bootstrapServers, topic)).containsEntry("cleanup.policy", "compact")
                .containsEntry("segment.ms", "3600000");
    }

    @Test
    void securitySettingsComeFromTheServicesKafkaConfiguration() throws Exception {
        try (ScramBroker broker = ScramBroker.start()) {
            String topic = freshTopic();
            CompactedTopicMaps maps = CompactedTopicMaps.of(broker.clientConfig(ScramBroker.PASSWORD));
            try (CompactedTopicMap map = maps.open(options(topic), null)) {
                map.awaitCaughtUp();
                map.putAndAwait("k", "k", "v");
                assertThat(map.value("k")).contains("v");
                assertThat(map.health().ready()).isTrue();
            }
            CompactedTopicMaps wrongPassword = CompactedTopicMaps.of(broker.clientConfig("not-the-password"));
            try (CompactedTopicMap map = wrongPassword.open(options(topic).withTimeout(Duration.ofSeconds(3)), null)) {
                assertThatThrownBy(map::awaitCaughtUp).isInstanceOf(CompactedTopicUnavailableException.class)
                        .hasMessageContaining("Authentication failed");
                assertThat(map.health().ready()).isFalse();
            }
        }
    }

    /** The shape notifier's sent log needs: one partition, the broker's replication, "loaded" and "recorded" stages. */
    @Test
    void aSentLogFitsTheDefaults(String bootstrapServers) throws Exception {
        String topic = freshTopic();
        CompactedTopicMap.Options sentLog = CompactedTopicMap.Options.of(topic)
                .withRetention(key -> Duration.ofDays(7), Duration.ofMinutes(10));
        CompactedTopicMaps maps = CompactedTopicMaps.of(Map.of("bootstrap.servers", bootstrapServers,
                "group.id", "notifier"));
        try (CompactedTopicMap map = maps.open(sentLog, null)) {
            map.whenCaughtUp().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
            CompactedTopicMap.Written recorded = map.put("event-1|chat", "event-1|chat", "sent")
                    .get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(recorded.partition()).isZero();
            map.awaitApplied(recorded);
            assertThat(map.value("event-1|chat")).contains("sent");
        }
        assertThat(topicConfig(bootstrapServers, topic)).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void withoutBootstrapServersTheMapRefusesToStart() {
        assertThatThrownBy(() -> CompactedTopicMaps.of(Map.of("security.protocol", "SASL_SSL"))
                .open(options(freshTopic()), null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kafka.bootstrap.servers");
    }

    @Test
    void healthIsDownWhileTheBrokerIsDownAndBackWhenItIs() throws Exception {
        Path data = Files.createTempDirectory("quayside-kafka-outage-");
        KafkaBroker broker = KafkaBroker.start(new KafkaBroker.Options(0, data, 1, true));
        int port = Integer.parseInt(broker.bootstrapServers().split(":")[1]);
        String topic = freshTopic();
        CompactedTopicMap.Options quick = options(topic).withTimeout(Duration.ofSeconds(2))
                .withProbeInterval(Duration.ofMillis(500));
        try (CompactedTopicMap map = open(broker.bootstrapServers(), quick, null)) {
            map.putAndAwait("k", "k", "before");
            assertThat(map.health().ready()).isTrue();

            broker.close();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !map.health().ready());
            assertThat(map.health().problem()).hasValueSatisfying(p -> assertThat(p).contains("does not answer"));
            assertThatThrownBy(() -> map.putAndAwait("k", "k", "during"))
                    .isInstanceOf(CompactedTopicUnavailableException.class);

            broker = KafkaBroker.start(new KafkaBroker.Options(port, data, 1, true));
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> map.health().ready());
            Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> map.putAndAwait("k", "k", "after") != null);
            assertThat(map.value("k")).contains("after");
        } finally {
            broker.close();
        }
    }

    /** Every value of {@code key} in the topic, oldest first (null for a tombstone). */
    private static List<String> records(String bootstrapServers, String topic, String key) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key())) {
                        values.add(record.value());
                    }
                }
            }
        }
        return values;
    }

    private static Map<String, String> topicConfig(String bootstrapServers, String topic) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            Map<String, String> values = new HashMap<>();
            config.entries().forEach(e -> values.put(e.name(), e.value()));
            return values;
        }
    }
}
