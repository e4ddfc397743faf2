package dev.quayside.kit.kafka;

import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The Kafka client properties of a service, as its Quarkus {@code kafka.*} configuration gives them (the
 * {@code default-kafka-broker} map: {@code bootstrap.servers}, {@code security.protocol}, {@code sasl.mechanism},
 * {@code sasl.jaas.config}, {@code ssl.truststore.location}, …), so that every client the kit creates connects the way
 * the service's channels do — never with {@code bootstrap.servers} alone.
 */
public final class KafkaClientProperties {

    /**
     * Keys the kit's clients set themselves or must not inherit: consumer groups (the kit's readers assign partitions
     * and commit nothing) and serializers (the kit passes its own).
     */
    private static final Set<String> NOT_INHERITED = Set.of(ConsumerConfig.GROUP_ID_CONFIG,
            ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, CommonClientConfigs.CLIENT_ID_CONFIG,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG);

    private KafkaClientProperties() {
    }

    /**
     * The service's client properties without the keys the kit sets itself; null values are left out.
     *
     * @throws IllegalArgumentException when {@code bootstrap.servers} is missing
     */
    public static Properties of(Map<String, ?> kafka) {
        Properties properties = new Properties();
        kafka.forEach((key, value) -> {
            if (value != null && !NOT_INHERITED.contains(key)) {
                properties.put(key, value);
            }
        });
        Object servers = properties.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        if (servers == null || servers.toString().isBlank()) {
            throw new IllegalArgumentException("kafka.bootstrap.servers is not configured");
        }
        return properties;
    }

    /** {@link #of} with {@code overrides} on top. */
    public static Properties of(Map<String, ?> kafka, Map<String, ?> overrides) {
        Properties properties = of(kafka);
        properties.putAll(overrides);
        return properties;
    }
}
