package dev.quayside.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.devstack.kafka.KafkaBroker;
import dev.quayside.devstack.kafka.KafkaBrokerExtension;
import dev.quayside.events.kafka.CloudEventHeaders;
import dev.quayside.events.kafka.EventDeserializer;
import dev.quayside.events.kafka.EventSerializer;
import dev.quayside.events.kafka.IncomingEventSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every event through a real Kafka broker, checked against the CloudEvents Kafka protocol binding (binary mode). */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaRoundTripTest {

    @Test
    void everyEventRoundTripsWithCloudEventsBinaryHeaders(String bootstrapServers) {
        KafkaBroker.createTopics(bootstrapServers, 2, Topics.ALL, Map.of());
        List<EventEnvelope<?>> sent = SampleEvents.all();
        try (KafkaProducer<String, EventEnvelope<?>> producer = new KafkaProducer<>(producerProps(bootstrapServers),
                new StringSerializer(), new EventSerializer())) {
            for (EventEnvelope<?> envelope : sent) {
                producer.send(new ProducerRecord<>(envelope.topic(), envelope.key(), envelope));
            }
            producer.flush();
        }

        List<ConsumerRecord<String, IncomingEvent>> received = consume(bootstrapServers, Topics.EVENT_TOPICS, sent.size());
        assertThat(received).hasSize(sent.size());
        Map<String, EventEnvelope<?>> byId = new HashMap<>();
        sent.forEach(e -> byId.put(e.id(), e));
        for (ConsumerRecord<String, IncomingEvent> record : received) {
            IncomingEvent incoming = record.value();
            assertThat(incoming.isMalformed()).as(String.valueOf(incoming.failure())).isFalse();
            EventEnvelope<?> original = byId.get(incoming.envelope().id());
            assertThat(incoming.envelope()).isEqualTo(original);
            assertThat(record.topic()).isEqualTo(original.type().topic());
            assertThat(record.key()).isEqualTo(original.key());

            Headers headers = record.headers();
            assertThat(header(headers, CloudEventHeaders.SPEC_VERSION)).isEqualTo("1.0");
            assertThat(header(headers, CloudEventHeaders.ID)).isEqualTo(original.id());
            assertThat(header(headers, CloudEventHeaders.SOURCE)).isEqualTo(original.context().source());
            assertThat(header(headers, CloudEventHeaders.TYPE)).isEqualTo(original.type().wireType());
            assertThat(header(headers, CloudEventHeaders.SUBJECT)).isEqualTo(original.subject().id());
            assertThat(header(headers, CloudEventHeaders.TIME)).isEqualTo("2026-11-27T10:15:30.123Z");
            assertThat(header(headers, CloudEventHeaders.CHAIN_ID)).isEqualTo(original.chainId());
            assertThat(header(headers, CloudEventHeaders.CONTENT_TYPE)).isEqualTo("application/json");
        }
    }

    @Test
    void aMalformedRecordIsReportedNotThrown(String bootstrapServers) {
        String topic = "quayside.test-malformed-" + UUID.randomUUID();
        KafkaBroker.createTopics(bootstrapServers, 1, List.of(topic), Map.of());
        List<byte[]> values = List.of("garbage".getBytes(StandardCharsets.UTF_8), new byte[0],
                "{\"context\":{\"id\":\"x\",\"type\":\"dev.cdevents.build.queued.0.3.0\"},\"customData\":[]}".getBytes(StandardCharsets.UTF_8),
                EventCodec.toJson(SampleEvents.commitPushed()));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps(bootstrapServers),
                new StringSerializer(), new ByteArraySerializer())) {
            for (byte[] value : values) {
                producer.send(new ProducerRecord<>(topic, "k", value));
            }
            // a valid body whose ce_type header disagrees with it
            ProducerRecord<String, byte[]> lying = new ProducerRecord<>(topic, "k", EventCodec.toJson(SampleEvents.commitPushed()));
            lying.headers().add(CloudEventHeaders.TYPE, "dev.cdevents.build.queued.0.3.0".getBytes(StandardCharsets.UTF_8));
            producer.send(lying);
            producer.flush();
        }
        List<ConsumerRecord<String, IncomingEvent>> received = consume(bootstrapServers, List.of(topic), 5);
        assertThat(received).extracting(r -> r.value().isMalformed()).containsExactly(true, true, true, false, true);
        assertThat(received.get(0).value().failure()).startsWith("not JSON");
        assertThat(received.get(1).value().failure()).isEqualTo("empty record value");
        assertThat(received.get(2).value().failure()).contains("without customData");
        assertThat(received.get(4).value().failure()).contains("does not match context.type");
        // the dead-letter serializer writes back exactly what was received
        assertThat(new IncomingEventSerializer().serialize(topic, received.get(0).value()))
                .isEqualTo("garbage".getBytes(StandardCharsets.UTF_8));
    }

    private static List<ConsumerRecord<String, IncomingEvent>> consume(String bootstrapServers, List<String> topics,
            int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "events-test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, IncomingEvent>> records = new ArrayList<>();
        try (KafkaConsumer<String, IncomingEvent> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new EventDeserializer())) {
            consumer.subscribe(topics);
            long deadline = System.currentTimeMillis() + 30_000;
            while (records.size() < expected && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(300)).forEach(records::add);
            }
        }
        return records;
    }

    private static Properties producerProps(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }

    private static String header(Headers headers, String name) {
        var header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
