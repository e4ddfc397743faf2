package dev.quayside.marathonapplier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.events.CommitPushed;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.EventIds;
import dev.quayside.events.EventType;
import dev.quayside.events.Person;
import dev.quayside.events.kafka.EventSerializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** The test's config-syncer: definitions into Consul KV (the stand-in), {@link ConfigSynced} events onto Kafka. */
final class ConfigSyncs {

    static final String PREFIX = "quayside/config/deploy/main/";
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private ConfigSyncs() {
    }

    /** A sync of repo {@code deploy}, branch {@code main}, to {@code commit}, in a new chain. */
    static EventEnvelope<ConfigSynced> of(String commit, List<String> put, List<String> deleted) {
        return of(null, commit, put, deleted);
    }

    /** A sync of repo {@code deploy}, branch {@code main}, from commit {@code from} to {@code commit}, in a new chain. */
    static EventEnvelope<ConfigSynced> of(String from, String commit, List<String> put, List<String> deleted) {
        CommitPushed push = new CommitPushed("deploy", "config", "file:///deploy.git", "refs/heads/main",
                CommitPushed.RefChange.BRANCH_UPDATED, "0".repeat(40), commit, List.of(), new Person("t", "t@x", "t"),
                "d-" + commit, "generic");
        EventEnvelope<CommitPushed> root = EventEnvelope.startChain(push, "/test",
                EventIds.of(EventType.COMMIT_PUSHED, commit, UUID.randomUUID().toString()), Instant.now());
        return root.next(new ConfigSynced("deploy", "main", from, commit, put, deleted, List.of(), 1, false, List.of(),
                List.of(), ConfigSynced.Outcome.SYNCED, null), "/test", Instant.now(), commit);
    }

    static void publish(String bootstrap, EventEnvelope<?> event) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        try (KafkaProducer<String, EventEnvelope<?>> producer = new KafkaProducer<>(props, new StringSerializer(),
                new EventSerializer())) {
            producer.send(new ProducerRecord<>(event.topic(), event.key(), event)).get();
        }
    }

    /** Writes {@code value} as config-syncer mirrors {@code file} of the config repo. */
    static void putKv(String consul, String file, String value) throws Exception {
        putKey(consul, PREFIX + file, value);
    }

    static void deleteKv(String consul, String file) throws Exception {
        deleteKey(consul, PREFIX + file);
    }

    /** Writes {@code value} at Consul key {@code key}. */
    static void putKey(String consul, String key, String value) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(consul + "/v1/kv/" + key))
                .PUT(HttpRequest.BodyPublishers.ofString(value)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).isEqualTo("true");
    }

    static void deleteKey(String consul, String key) throws Exception {
        HTTP.send(HttpRequest.newBuilder(URI.create(consul + "/v1/kv/" + key)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
