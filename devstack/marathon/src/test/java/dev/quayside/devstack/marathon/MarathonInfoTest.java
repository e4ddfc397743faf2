package dev.quayside.devstack.marathon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.devstack.mesos.Http;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /v2/info} carries every field Marathon sends, as Marathon's own example has them. */
class MarathonInfoTest {

    @RegisterExtension
    static MarathonStandInExtension marathon = new MarathonStandInExtension();

    @Test
    void everyFieldOfMarathonsInfoIsThere() throws IOException {
        Path example = Paths.get(System.getProperty("quayside.shared.dir", "../shared"), "fixtures", "marathon",
                "info.json");
        Assumptions.assumeTrue(Files.isRegularFile(example), "../shared/fixtures not found: " + example.toAbsolutePath());
        JsonObject expected = new JsonObject(Files.readString(example));
        JsonObject info = Http.get(marathon.marathonUrl() + "/v2/info").json();
        assertThat(new TreeSet<>(info.fieldNames())).isEqualTo(new TreeSet<>(expected.fieldNames()));
        for (String section : new String[] {"marathon_config", "zookeeper_config", "http_config"}) {
            assertThat(new TreeSet<>(info.getJsonObject(section).fieldNames())).as(section)
                    .isEqualTo(new TreeSet<>(expected.getJsonObject(section).fieldNames()));
        }
        int port = Integer.parseInt(marathon.marathonUrl().substring(marathon.marathonUrl().lastIndexOf(':') + 1));
        assertThat(info.getJsonObject("http_config").getInteger("http_port")).isEqualTo(port);
        assertThat(info.getString("leader")).isEqualTo("127.0.0.1:" + port);
        assertThat(info.getJsonObject("marathon_config").getJsonArray("features")).containsExactly("task_killing");
        assertThat(info.getJsonObject("zookeeper_config").getInteger("zk_max_versions")).isEqualTo(50);
    }
}
