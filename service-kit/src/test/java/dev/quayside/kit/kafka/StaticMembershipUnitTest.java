package dev.quayside.kit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What {@link StaticMembership} does to each kind of client configuration the connector hands it. */
class StaticMembershipUnitTest {

    private static Map<String, Object> consumer() {
        Map<String, Object> config = new HashMap<>();
        config.put("group.id", "config-syncer");
        config.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        return config;
    }

    @Test
    void aConsumerOfANamedInstanceGetsItsChannelsMemberIdAndEachFurtherConsumerOfTheChannelItsOwn() {
        StaticMembership membership = new StaticMembership(Optional.of("config-syncer-2"), Map.of());
        assertThat(membership.customize("image-built", null, consumer())).containsEntry("group.instance.id",
                "config-syncer-2-image-built");
        assertThat(membership.customize("deployed", null, consumer())).containsEntry("group.instance.id",
                "config-syncer-2-deployed");
        assertThat(membership.customize("image-built", null, consumer())).containsEntry("group.instance.id",
                "config-syncer-2-image-built-2");
    }

    @Test
    void withoutANameProducersAdminClientsAndAChannelsOwnIdNothingChanges() {
        assertThat(new StaticMembership(Optional.empty(), Map.of()).customize("image-built", null, consumer()))
                .doesNotContainKey("group.instance.id");
        assertThat(new StaticMembership(Optional.of("  "), Map.of()).customize("image-built", null, consumer()))
                .doesNotContainKey("group.instance.id");
        StaticMembership named = new StaticMembership(Optional.of("a"), Map.of());
        Map<String, Object> producer = new HashMap<>(Map.of("key.serializer", "x", "key.deserializer", "y",
                "group.id", "dlq"));
        assertThat(named.customize("image-built", null, producer)).doesNotContainKey("group.instance.id");
        assertThat(named.customize("admin", null, new HashMap<>(Map.of("bootstrap.servers", "127.0.0.1:9092"))))
                .doesNotContainKey("group.instance.id");
        Map<String, Object> own = consumer();
        own.put("group.instance.id", "set-by-hand");
        assertThat(named.customize("image-built", null, own)).containsEntry("group.instance.id", "set-by-hand");
    }

    @Test
    void aNameThatCannotBeAMemberIdStopsTheStart() {
        assertThatThrownBy(() -> new StaticMembership(Optional.of("has space"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quayside.kafka.instance-id");
        assertThatThrownBy(() -> new StaticMembership(Optional.of("-leading"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StaticMembership(Optional.of("x".repeat(201)), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
