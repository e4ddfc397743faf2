package dev.quayside.marathonapplier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.devstack.kafka.KafkaBroker;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.IncomingEvent;
import dev.quayside.events.kafka.EventDeserializer;
import dev.quayside.events.kafka.EventSerializer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Syncs announced per app spread over the partitions of a real topic, and so over the instances of a consumer group
 * (two consumers of one group on a topic of two partitions, as two marathon-applier instances would be): each app's
 * syncs reach one instance, in the order they were published, and both instances get work. The announcement of the
 * rest of a sync (keyed by the branch) stays on one partition, as every sync did before.
 */
class SpreadByAppTest {

    @Test
    void twoInstancesEachGetTheirAppsSyncsInOrder() throws Exception {
        String bootstrap = KafkaBroker.sharedBootstrapServers();
        String topic = "spread-by-app-" + UUID.randomUUID();
        KafkaBroker.createTopics(bootstrap, 2, List.of(topic), Map.of());
        String group = "applier-" + UUID.randomUUID();
        try (KafkaConsumer<String, IncomingEvent> one = consumer(bootstrap, group);
                KafkaConsumer<String, IncomingEvent> two = consumer(bootstrap, group)) {
            one.subscribe(List.of(topic));
            two.subscribe(List.of(topic));
            Instant deadline = Instant.now().plusSeconds(60);
            while (one.assignment().size() + two.assignment().size() < 2 || one.assignment().isEmpty()
                    || two.assignment().isEmpty()) {
                assertThat(Instant.now()).as("both consumers own a partition").isBefore(deadline);
                one.poll(Duration.ofMillis(100));
                two.poll(Duration.ofMillis(100));
            }

            List<String> apps = List.of("shop", "cart", "search", "billing", "auth", "mail", "web", "api");
            List<EventEnvelope<?>> sent = new ArrayList<>();
            Properties props = new Properties();
            props.put("bootstrap.servers", bootstrap);
            try (KafkaProducer<String, EventEnvelope<?>> producer = new KafkaProducer<>(props, new StringSerializer(),
                    new EventSerializer())) {
                for (int commit = 1; commit <= 3; commit++) {
                    String sha = String.valueOf(commit).repeat(40);
                    EventEnvelope<ConfigSynced> whole = ConfigSyncs.of(sha, List.of(), List.of());
                    for (String app : apps) {
                        String file = "marathon/dev/" + app + ".json";
                        sent.add(whole.next(whole.data().forApp(app, List.of(ConfigSyncs.PREFIX + file), List.of(),
                                List.of(file), List.of(), List.of()), "/test", Instant.now(), app));
                    }
                    sent.add(whole.next(whole.data().forApp(null, List.of(ConfigSyncs.PREFIX + "quayside.yml"),
                            List.of(), List.of("quayside.yml"), List.of(), List.of()), "/test", Instant.now(), "rest"));
                }
                for (EventEnvelope<?> e : sent) {
                    producer.send(new ProducerRecord<>(topic, e.key(), e)).get();
                }
            }

            Map<String, List<ConfigSynced>> byInstance = new HashMap<>();
            Map<String, Integer> partitionOf = new HashMap<>();
            int received = 0;
            deadline = Instant.now().plusSeconds(60);
            while (received < sent.size()) {
                assertThat(Instant.now()).as("every sync is received").isBefore(deadline);
                for (Map.Entry<String, KafkaConsumer<String, IncomingEvent>> c : Map.of("one", one, "two", two)
                        .entrySet()) {
                    for (ConsumerRecord<String, IncomingEvent> r : c.getValue().poll(Duration.ofMillis(100))) {
                        ConfigSynced s = r.value().require(ConfigSynced.class).data();
                        byInstance.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add(s);
                        Integer before = partitionOf.put(String.valueOf(s.app()), r.partition());
                        assertThat(before == null || before == r.partition()).as("%s stays on one partition", s.app())
                                .isTrue();
                        received++;
                    }
                }
            }

            assertThat(byInstance).as("both instances get work").containsOnlyKeys("one", "two");
            for (String app : apps) {
                List<String> commits = new ArrayList<>();
                List<String> instances = new ArrayList<>();
                byInstance.forEach((instance, syncs) -> syncs.stream().filter(s -> app.equals(s.app()))
                        .forEach(s -> {
                            commits.add(s.toCommit().substring(0, 1));
                            instances.add(instance);
                        }));
                assertThat(commits).as(app + "'s syncs, in order").containsExactly("1", "2", "3");
                assertThat(instances).as(app + " is one instance's").containsOnly(instances.get(0));
            }
            assertThat(new java.util.TreeSet<>(partitionOf.values())).as("different apps land on different partitions")
                    .containsExactly(0, 1);
        }
    }

    private static KafkaConsumer<String, IncomingEvent> consumer(String bootstrap, String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(p, new StringDeserializer(), new EventDeserializer());
    }
}
