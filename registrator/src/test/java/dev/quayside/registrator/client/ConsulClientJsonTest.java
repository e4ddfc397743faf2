package dev.quayside.registrator.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.registrator.service.ContainerFacts;
import dev.quayside.registrator.service.ServiceCheck;
import dev.quayside.registrator.service.ServiceRegistration;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which path a registration takes, and the agent JSON of the raw path. */
class ConsulClientJsonTest {

    static final ContainerFacts CONTAINER = new ContainerFacts("id", "web", "app", List.of(), Map.of(), List.of(),
            Map.of(), "bridge", null, Map.of(), true, null);

    static ServiceRegistration service(ServiceCheck check) {
        return new ServiceRegistration("h:web:8080", "app", "127.0.0.1", 32768, List.of("a"), Map.of("k", "v"), check,
                CONTAINER, "8080", "tcp");
    }

    @Test
    void checksWithTimeoutMethodOrAnUnknownStatusNeedTheRawCall() {
        ServiceCheck tcp = new ServiceCheck(null, null, "127.0.0.1:1", null, null, null, false, false, "10s", null,
                "passing", null);
        assertThat(ConsulClient.needsRaw(tcp)).isFalse();
        assertThat(ConsulClient.needsRaw(new ServiceCheck("http://x/", "HEAD", null, null, null, null, false, false,
                "10s", null, null, null))).isTrue();
        assertThat(ConsulClient.needsRaw(new ServiceCheck(null, null, "x:1", null, null, null, false, false, "10s",
                "2s", null, null))).isTrue();
        assertThat(ConsulClient.needsRaw(new ServiceCheck(null, null, "x:1", null, null, null, false, false, "10s",
                null, "maintenance", null))).as("Consul itself answers what it thinks of it").isTrue();
    }

    @Test
    void rawJsonCarriesEveryCheckField() {
        JsonObject json = ConsulClient.registrationJson(service(new ServiceCheck("http://127.0.0.1:32768/health",
                "HEAD", null, null, null, null, false, true, "5s", "2s", "warning", "10m")));
        assertThat(json.getString("ID")).isEqualTo("h:web:8080");
        assertThat(json.getString("Name")).isEqualTo("app");
        assertThat(json.getString("Address")).isEqualTo("127.0.0.1");
        assertThat(json.getInteger("Port")).isEqualTo(32768);
        assertThat(json.getJsonArray("Tags").getList()).containsExactly("a");
        assertThat(json.getJsonObject("Meta").getMap()).containsEntry("k", "v");
        JsonObject check = json.getJsonObject("Check");
        assertThat(check.getMap()).containsOnly(Map.entry("HTTP", "http://127.0.0.1:32768/health"),
                Map.entry("Method", "HEAD"), Map.entry("TLSSkipVerify", true), Map.entry("Interval", "5s"),
                Map.entry("Timeout", "2s"), Map.entry("Status", "warning"),
                Map.entry("DeregisterCriticalServiceAfter", "10m"));
    }

    @Test
    void clientOptionsCarryTheRest() {
        var options = ConsulClient.serviceOptions(service(new ServiceCheck(null, null, null, "30s", null, null, false,
                false, null, null, "passing", "1m")));
        assertThat(options.getId()).isEqualTo("h:web:8080");
        assertThat(options.getMeta()).containsEntry("k", "v");
        assertThat(options.getCheckOptions().getTtl()).isEqualTo("30s");
        assertThat(options.getCheckOptions().getStatus().key).isEqualTo("passing");
        assertThat(options.getCheckOptions().getDeregisterAfter()).isEqualTo("1m");
        assertThat(ConsulClient.serviceOptions(service(null)).getCheckOptions()).isNull();
    }
}
