package dev.quayside.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {

    @TempDir
    Path parts;

    @Test
    void mergesEverySuitesFiguresAndRendersARowPerFigure() throws Exception {
        Files.writeString(parts.resolve("mirror.json"), """
                {"mirror": {"initial_1000_files": {"unit": "ms", "samples": [1.0, 2.0, 3.0], "n": 3,
                  "p50": 2.0, "p95": 3.0, "p99": 3.0, "naive": {"p50": 8.0}, "ratio_p50": 4.0}},
                 "measured_at": "2026-11-27T17:00:00Z"}
                """);
        Files.writeString(parts.resolve("throughput.json"), """
                {"throughput": {"instances_1": {"rate": 3.98, "unit": "commits/s", "samples": 48, "lost": 0,
                  "latency": {"unit": "ms", "samples": 48, "p50": 223.0, "p95": 292.0, "p99": 428.0},
                  "note": "stepped offered rate"}},
                 "footprint": {"git-watcher": {"rss_mb": 140.5, "ready_ms": 1400, "ready_ms_all_at_once": 9000},
                  "mesh_rss_mb": 900.0}}
                """);

        JsonNode merged = BenchReport.merge(parts, "2 cores", "abc1234");
        String md = BenchReport.markdown(merged);

        assertThat(merged.path("mirror").path("initial_1000_files").path("p50").asDouble()).isEqualTo(2.0);
        assertThat(merged.path("throughput").path("instances_1").path("rate").asDouble()).isEqualTo(3.98);
        assertThat(merged.path("suites").path("mirror").path("measured_at").asText())
                .isEqualTo("2026-11-27T17:00:00Z");
        assertThat(md).contains("| mirror.initial_1000_files | 3 | 2 | 3 | 3 | ms | 8 (4×) |")
                .contains("| throughput.instances_1 | 48 | 3.98 | - | - | commits/s (rate) | - |")
                .contains("| throughput.instances_1.latency | 48 | 223 | 292 | 428 | ms | - |")
                .contains("| git-watcher | 141 | 9000 | 1400 |")
                .contains("`throughput.instances_1`: stepped offered rate")
                .contains("- commit: abc1234");
    }

    @Test
    void aFigureWrittenByTwoSuitesIsAnErrorNotASilentReplacement() throws Exception {
        Files.writeString(parts.resolve("a.json"), "{\"commit_to_live\": {\"p50\": 1}}");
        Files.writeString(parts.resolve("b.json"), "{\"commit_to_live\": {\"p50\": 2}}");

        assertThatThrownBy(() -> BenchReport.merge(parts, "m", "c"))
                .hasMessageContaining("'commit_to_live' is written by two suites");
    }
}
