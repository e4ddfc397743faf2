package dev.quayside.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.devstack.launcher.FixedRateLoad;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zero-downtime part's report from the load's samples and the services' Prometheus pages (no run). */
class ZeroDowntimeBenchTest {

    @TempDir
    Path root;

    @Test
    void countsFailuresByKindAndSaysWhichServiceEachRouteLivePartComesFrom() {
        List<FixedRateLoad.Sample> samples = List.of(
                new FixedRateLoad.Sample(10, 2_000_000, 200, null, null, "1.0.0"),
                new FixedRateLoad.Sample(20, 3_000_000, 503, null, null, "no server"),
                new FixedRateLoad.Sample(30, 4_000_000, 0, "ConnectException", "refused", null),
                new FixedRateLoad.Sample(40, 5_000_000, 200, null, null, "2.0.0"));
        String registrator = """
                quayside_registrator_drain_latency_seconds{quantile="0.5",} 0.012
                quayside_registrator_drain_latency_seconds_count 4.0
                quayside_registrator_start_latency_seconds{quantile="0.5",} 0.030
                quayside_registrator_start_latency_seconds_count 5.0
                """;
        String edgeRouter = """
                quayside_edge_router_render_seconds{quantile="0.5",} 0.002
                quayside_edge_router_render_seconds_count 62.0
                """;

        JsonNode json = ZeroDowntimeBench.report(root, 50, samples,
                List.of(new ZeroDowntimeBench.Window("upgrade 1", 15, 35)), List.of(120.0), registrator, edgeRouter);

        JsonNode requests = json.path("zero_downtime_requests");
        assertThat(requests.path("sent").asInt()).isEqualTo(4);
        assertThat(requests.path("failed").asInt()).isEqualTo(2);
        assertThat(requests.path("failed_by_status").toString()).isEqualTo("{\"503\":1}");
        assertThat(requests.path("failed_by_socket_error").toString()).isEqualTo("{\"ConnectException\":1}");
        assertThat(json.path("zero_downtime_latency").path("during_deploys").path("samples").asInt()).isEqualTo(2);

        JsonNode parts = json.path("route_live_parts");
        assertThat(parts.path("registrator_stop_signal_to_maintenance").path("source").asText())
                .isEqualTo("registrator /q/metrics quayside_registrator_drain_latency_seconds");
        assertThat(parts.path("registrator_stop_signal_to_maintenance").path("p50").asDouble()).isEqualTo(12.0);
        assertThat(parts.path("registrator_start_to_registered").path("source").asText())
                .isEqualTo("registrator /q/metrics quayside_registrator_start_latency_seconds");
        assertThat(parts.path("registrator_start_to_registered").path("samples").asInt()).isEqualTo(5);
        assertThat(parts.path("edge_router_render").path("source").asText())
                .isEqualTo("edge-router /q/metrics quayside_edge_router_render_seconds");
        assertThat(parts.path("edge_router_render").path("p50").asDouble()).isEqualTo(2.0);
    }
}
