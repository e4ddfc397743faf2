package dev.quayside.kit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.kafka.KafkaBrokerResource;
import dev.quayside.events.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * With {@code quayside.kafka.instance-id} set, each consuming channel of the test application joins its group on the
 * real broker as the static member {@code <instance-id>-<channel>}, so a restart under the same name takes its
 * partitions back without waiting for the session timeout.
 */
@QuarkusTest
@TestProfile(StaticMembershipTest.NamedInstance.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class StaticMembershipTest {

    public static class NamedInstance implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quayside.kafka.instance-id", "kit-a");
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void eachChannelJoinsItsGroupAsAStaticMemberNamedAfterTheInstance() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<Optional<String>> members = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("kit-test"))
                                .describedGroups().get("kit-test").get();
                        return group.members().stream().map(MemberDescription::groupInstanceId).toList();
                    }, ids -> ids.size() == 2);
            assertThat(members).containsExactlyInAnyOrder(Optional.of("kit-a-kit-pushes"),
                    Optional.of("kit-a-kit-images"));
        }
    }

    /**
     * A closed static member stays in its group (the broker would keep its partitions until the session times out);
     * the graceful stop's leave step removes it, so the instances that stay take its partitions at once.
     */
    @Test
    void aGracefulStopRemovesTheInstancesStaticMembersAfterItsConsumersClosed() throws Exception {
        StaticMembership membership = new StaticMembership(Optional.of("kit-leaving"),
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        Map<String, Object> config = new HashMap<>(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "kit-leave-test",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(membership.customize("pushes", null,
                    config))) {
                consumer.subscribe(List.of(Topics.COMMIT_PUSHED));
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    consumer.poll(Duration.ofMillis(200));
                    return !consumer.assignment().isEmpty();
                });
            }
            assertThat(members(admin, "kit-leave-test")).as("closed, the static member stays")
                    .containsExactly(Optional.of("kit-leaving-pushes"));
            membership.leave(null);
            assertThat(members(admin, "kit-leave-test")).as("left").isEmpty();
        }
    }

    private static List<Optional<String>> members(Admin admin, String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get().members().stream()
                .map(MemberDescription::groupInstanceId).toList();
    }
}
