package dev.quayside.devstack.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class KafkaBrokerTest {

    @Test
    void sharedBrokerCreatesTopicsAndCarriesRecords(String bootstrapServers) throws Exception {
        assertThat(bootstrapServers).startsWith("127.0.0.1:");
        KafkaBroker.createTopics(bootstrapServers, 3, List.of("devstack.test"), Map.of());
        // creating again is a no-op, not an error
        KafkaBroker.createTopics(bootstrapServers, 3, List.of("devstack.test"), Map.of());

        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
            var metadata = producer.send(new ProducerRecord<>("devstack.test", "k", "hello")).get();
            assertThat(metadata.topic()).isEqualTo("devstack.test");
        }

        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "devstack-test");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
            consumer.subscribe(List.of("devstack.test"));
            long deadline = System.currentTimeMillis() + 30_000;
            while (values.isEmpty() && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
            assertThat(consumer.partitionsFor("devstack.test")).hasSize(3);
        }
        assertThat(values).containsExactly("hello");
    }

    @Test
    void aBrokerRestartedOnItsDataDirectoryKeepsItsTopics() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("kafka-restart-");
        try (KafkaBroker first = KafkaBroker.start(new KafkaBroker.Options(0, dir, 1, true))) {
            first.createTopics(2, List.of("kept"));
        }
        try (KafkaBroker second = KafkaBroker.start(new KafkaBroker.Options(0, dir, 1, true))) {
            Properties props = new Properties();
            props.put("bootstrap.servers", second.bootstrapServers());
            try (var admin = org.apache.kafka.clients.admin.Admin.create(props)) {
                assertThat(admin.listTopics().names().get()).contains("kept");
            }
        }
    }

    @Test
    void aBrokerWithScramLetsOnlyItsUserIn() throws Exception {
        KafkaBroker.Scram scram = new KafkaBroker.Scram("quayside", "s3cret-" + System.nanoTime());
        try (KafkaBroker broker = KafkaBroker.start(KafkaBroker.Options.forTests().withScram(scram))) {
            broker.createTopics(1, List.of("secured"));
            Properties props = new Properties();
            props.putAll(broker.clientProperties());
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
                assertThat(producer.send(new ProducerRecord<>("secured", "k", "v")).get().topic()).isEqualTo("secured");
            }

            assertThat(KafkaBroker.answers(broker.bootstrapServers())).as("no login: refused").isFalse();
            KafkaBroker.Scram wrong = new KafkaBroker.Scram("quayside", "not-the-password");
            assertThat(KafkaBroker.answers(broker.bootstrapServers(), wrong.clientProperties()))
                    .as("a wrong password: refused").isFalse();
            assertThat(KafkaBroker.answers(broker.bootstrapServers(), broker.clientProperties())).isTrue();
        }
    }
}
