package dev.quayside.marathonapplier;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.IncomingEvent;
import dev.quayside.events.Topics;
import dev.quayside.events.kafka.EventDeserializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** The tests' view of what marathon-applier did: its outcome events on Kafka, and the app as Marathon runs it. */
final class DeployedTopic {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private DeployedTopic() {
    }

    /** A daemon thread that adds every event on {@code quayside.deployed} to {@code sink} while {@code listening}. */
    static Thread listen(String bootstrap, List<EventEnvelope<?>> sink, BooleanSupplier listening) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "applier-test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Thread listener = new Thread(() -> {
            try (KafkaConsumer<String, IncomingEvent> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                    new EventDeserializer())) {
                consumer.subscribe(List.of(Topics.DEPLOYED));
                while (listening.getAsBoolean()) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> sink.add(r.value().envelope()));
                }
            }
        }, "deployed-listener");
        listener.setDaemon(true);
        listener.start();
        return listener;
    }

    /** What the first task of {@code appId} answers on {@code /version}. */
    static String version(String marathon, String appId) throws Exception {
        JsonNode tasks = JSON.readTree(get(marathon + "/v2/apps" + appId + "/tasks").body()).path("tasks");
        assertThat(tasks.size()).isGreaterThan(0);
        JsonNode task = tasks.get(0);
        String url = "http://" + task.path("host").asText("127.0.0.1") + ":" + task.path("ports").get(0).asInt() + "/version";
        assertThat(url).startsWith("http://127.0.0.1:");
        return get(url).body().trim();
    }

    /** The ids of the running deployments that affect {@code appId}. */
    static List<String> deploymentsOf(String marathon, String appId) throws Exception {
        List<String> ids = new ArrayList<>();
        for (JsonNode d : JSON.readTree(get(marathon + "/v2/deployments").body())) {
            for (JsonNode affected : d.path("affectedApps")) {
                if (affected.asText().equals(appId)) {
                    ids.add(d.path("id").asText());
                }
            }
        }
        return ids;
    }

    /** The versions Marathon keeps of {@code appId}. */
    static List<String> versions(String marathon, String appId) throws Exception {
        List<String> out = new ArrayList<>();
        JSON.readTree(get(marathon + "/v2/apps" + appId + "/versions").body()).path("versions")
                .forEach(v -> out.add(v.asText()));
        return out;
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
