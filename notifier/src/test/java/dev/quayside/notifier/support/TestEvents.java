package dev.quayside.notifier.support;

import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildOutcome;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.Container;
import dev.quayside.events.ContainerStarted;
import dev.quayside.events.Deployment;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.DeploymentTarget;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.Person;
import dev.quayside.events.PipelineEvent;
import dev.quayside.events.kafka.EventSerializer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Builds Quayside events and publishes them to the real broker as the producing stages do. */
public final class TestEvents implements AutoCloseable {

    public static final String SOURCE = "/quayside/test";

    private final KafkaProducer<String, EventEnvelope<?>> producer;
    private final String bootstrapServers;

    public TestEvents(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, EventSerializer.class.getName());
        producer = new KafkaProducer<>(props);
    }

    public void publish(EventEnvelope<?> envelope) {
        try {
            producer.send(new ProducerRecord<>(envelope.topic(), envelope.key(), envelope)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not publish " + envelope.id(), e);
        }
    }

    /** Publishes bytes that are no Quayside event. */
    public void publishRaw(String topic, byte[] value) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(topic, "garbage", value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha() {
        return (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "").substring(0, 40);
    }

    public static EventEnvelope<CommitPushed> commitPushed(String repository, String sha, String author,
            Instant at) {
        Person person = new Person(author, author.toLowerCase() + "@example.org", author.toLowerCase());
        CommitPushed data = new CommitPushed(repository, "app", "https://git.example.org/team/" + repository + ".git",
                "refs/heads/main", CommitPushed.RefChange.BRANCH_UPDATED, CommitPushed.ZERO_SHA, sha,
                List.of(new CommitPushed.Commit(sha, "Fix the basket\n\nlonger text", person, at, List.of(),
                        List.of("src/Basket.java"), List.of())),
                person, UUID.randomUUID().toString(), "github");
        return EventEnvelope.startChain(data, SOURCE, UUID.randomUUID().toString(), at);
    }

    public static <E extends PipelineEvent> EventEnvelope<E> next(EventEnvelope<?> cause, E data, Instant at) {
        return cause.next(data, SOURCE, at, UUID.randomUUID().toString());
    }

    public static <E extends PipelineEvent> EventEnvelope<E> single(E data) {
        String id = UUID.randomUUID().toString();
        return EventEnvelope.of(data, SOURCE, id, id, Instant.now());
    }

    public static BuildFinished buildFailed(String app, String sha) {
        return new BuildFinished(UUID.randomUUID().toString(), app, app, sha, "main", BuildOutcome.FAILURE, 42_000,
                "RUN make failed with exit code 2", List.of("step 3/5 : RUN make", "make: *** [all] Error 2"), null);
    }

    public static Deployment deployment(String app, String environment, long durationMs) {
        return new Deployment(app, environment, DeploymentTarget.MARATHON, "/" + environment + "/" + app, "2026-11-27",
                "127.0.0.1:5000/" + app + ":abc1234", UUID.randomUUID().toString(), durationMs);
    }

    public static DeploymentFailed deploymentFailed(String app) {
        return new DeploymentFailed(deployment(app, "staging", 1000), DeploymentFailed.Reason.HEALTH_CHECK,
                "tasks never became healthy", "staging/" + app + ".json", null);
    }

    public static ContainerStarted containerStarted(String service, int n) {
        return new ContainerStarted(new Container("host1:" + service + "-" + n + ":8080", service, "host1",
                "c" + n, service + "-" + n, "127.0.0.1:5000/" + service + ":1", "127.0.0.1", 31000 + n, List.of(),
                Map.of(), null, null, null));
    }

    @Override
    public void close() {
        producer.close();
    }
}
