package dev.quayside.devstack.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quayside.devstack.common.FreePorts;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The kafka-topics.sh / kafka-broker-api-versions.sh subset of the devstack image, against a real broker. */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaToolsMainTest {

    @Test
    void createsATopicWithItsPartitionsAndConfigsAsCreateTopicsShCallsIt(String bootstrapServers) throws Exception {
        String[] args = {"topics", "--bootstrap-server", bootstrapServers, "--create", "--if-not-exists", "--topic",
            "tools.test", "--partitions", "4", "--config", "retention.ms=604800000", "--config",
            "cleanup.policy=delete"};
        assertThat(KafkaToolsMain.run(args)).isZero();
        assertThat(KafkaToolsMain.run(args)).as("--if-not-exists: again is no error").isZero();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            assertThat(admin.describeTopics(List.of("tools.test")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get("tools.test").partitions()).hasSize(4);
            Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "tools.test")))
                    .all().get(30, TimeUnit.SECONDS).values().iterator().next();
            assertThat(config.get("retention.ms").value()).isEqualTo("604800000");
        }
    }

    @Test
    void apiVersionsAnswersZeroForTheBrokerAndOneForAClosedPort(String bootstrapServers) {
        assertThat(KafkaToolsMain.run(new String[] {"api-versions", "--bootstrap-server", bootstrapServers})).isZero();
        assertThat(KafkaToolsMain.run(new String[] {"api-versions", "--bootstrap-server",
            "127.0.0.1:" + FreePorts.pick()})).isEqualTo(1);
    }

    @Test
    void badInputIsRefusedNamingWhat() {
        String b = "127.0.0.1:1";
        assertThatThrownBy(() -> KafkaToolsMain.run(new String[0])).hasMessageContaining("usage");
        assertThatThrownBy(() -> KafkaToolsMain.run(new String[] {"acls", "--bootstrap-server", b}))
                .hasMessageContaining("unknown tool acls");
        assertThatThrownBy(() -> KafkaToolsMain.run(new String[] {"topics", "--create", "--topic", "t",
            "--partitions", "1"})).hasMessageContaining("--bootstrap-server is required");
        assertThatThrownBy(() -> KafkaToolsMain.run(new String[] {"topics", "--bootstrap-server"}))
                .hasMessageContaining("--bootstrap-server needs a value");
        assertThatThrownBy(() -> KafkaToolsMain.run(new String[] {"topics", "--bootstrap-server", b, "--create",
            "--topic", "t", "--partitions", "0"})).hasMessageContaining("--partitions must be a positive number");
        assertThatThrownBy(() -> KafkaToolsMain.run(new String[] {"topics", "--bootstrap-server", b, "--create",
            "--topic", "t", "--partitions", "1", "--replication-factor", "3"}))
                .hasMessageContaining("--replication-factor must be 1");
        assertThatThrownBy(() -> KafkaToolsMain.run(new String[] {"topics", "--bootstrap-server", b, "--create",
            "--topic", "t", "--partitions", "1", "--config", "retention.ms"}))
                .hasMessageContaining("bad --config 'retention.ms'");
        assertThatThrownBy(() -> KafkaToolsMain.run(new String[] {"topics", "--bootstrap-server", b, "--delete",
            "--topic", "t"})).hasMessageContaining("unknown option --delete");
        assertThatThrownBy(() -> KafkaToolsMain.run(new String[] {"topics", "--bootstrap-server", b, "--list"}))
                .hasMessageContaining("unknown option --list");
        assertThatThrownBy(() -> KafkaToolsMain.run(new String[] {"topics", "--bootstrap-server", b, "--topic",
            "t", "--partitions", "1"})).hasMessageContaining("only --create --topic T --partitions N");
    }
}
