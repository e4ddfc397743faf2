package dev.quayside.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quayside.devstack.launcher.chaos.ChaosRun;
import dev.quayside.devstack.launcher.chaos.FinalStateChecker;
import dev.quayside.devstack.launcher.chaos.FinalStateChecker.Finding;
import dev.quayside.devstack.launcher.chaos.Workload;
import dev.quayside.events.EventCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chaos part of the results: a scenario's row, rows kept across runs, the table in docs/reliability.md. */
class ChaosBenchTest {

    @TempDir
    Path dir;

    static ChaosRun.Result result(String scenario, List<Finding> findings, Map<String, Integer> duplicated) {
        FinalStateChecker.Report report = new FinalStateChecker.Report(findings, 100, 97, 3, 1, 0, duplicated, 2,
                Map.of("config-synced", 3));
        return new ChaosRun.Result(scenario, "kill -9 of config-syncer", 42, 37, "kill -9 of pid 1 at commit 37", report,
                12.34, true, 20, 300, Instant.parse("2026-12-05T10:00:00Z"), null);
    }

    @Test
    void aScenarioRowHoldsItsFiguresAndRendersAsOneTableRow() throws Exception {
        ChaosRun.Result result = result("kill-config-syncer", List.of(
                new Finding(1, "silent-chain", "chaos-app-03@abcdef0", "no terminal event"),
                new Finding(1, "silent-chain", "chaos-app-07@1234567", "no terminal event"),
                new Finding(3, "older-image-pinned", "chaos-app-03@abcdef0", "the head pins an older image")),
                Map.of("write-back", 1));

        ObjectNode chaos = ChaosBench.update(dir.resolve("chaos.json"), result, Workload.Size.DEFAULT, 42, dir);
        JsonNode row = chaos.path("scenarios").path("kill-config-syncer");

        assertThat(row.path("commits_sent").asInt()).isEqualTo(100);
        assertThat(row.path("lost").asInt()).isEqualTo(1);
        assertThat(row.path("duplicated").path("write-back").asInt()).isEqualTo(1);
        assertThat(row.path("findings").path("1 silent-chain").asInt()).isEqualTo(2);
        assertThat(row.path("recover_s").asDouble()).isEqualTo(12.3);
        assertThat(ChaosTable.markdown(chaos)).contains("| `kill-config-syncer` | 100 | 97 | 3 | 1 | write-back 1 | 12.3 |"
                + " 1 silent-chain 2, 3 older-image-pinned 1 |");
    }

    @Test
    void aScenarioNotRunThisTimeKeepsItsLastRowInTheCanonicalOrder() throws Exception {
        Path part = dir.resolve("chaos.json");
        ObjectNode first = ChaosBench.update(part, result("kafka-outage", List.of(), Map.of()), Workload.Size.DEFAULT, 1,
                dir);
        ObjectNode json = EventCodec.mapper().createObjectNode();
        json.set("chaos", first);
        Files.writeString(part, json.toString());

        ObjectNode second = ChaosBench.update(part, result("baseline", List.of(), Map.of()), Workload.Size.DEFAULT, 2,
                dir);

        assertThat(second.path("scenarios").fieldNames()).toIterable().containsExactly("baseline", "kafka-outage");
        assertThat(ChaosTable.markdown(second)).contains("| `kafka-outage` | 100 | 97 | 3 | 1 | 0 | 12.3 | nothing |");
    }

    @Test
    void aScenarioThatCouldNotRunSaysWhy() throws Exception {
        ChaosRun.Result failed = new ChaosRun.Result("docker-outage", "d", 1, 10, null, null, 0, false, 0, 5,
                Instant.now(), "IllegalStateException: registrator was not ready within PT5M");

        ObjectNode chaos = ChaosBench.update(dir.resolve("none.json"), failed, Workload.Size.DEFAULT, 1, dir);

        assertThat(ChaosTable.markdown(chaos)).contains("| `docker-outage` | - | - | - | - | - | - | did not run to the end:"
                + " IllegalStateException: registrator was not ready within PT5M |");
    }

    @Test
    void theTableGoesBetweenTheMarkersOfTheReliabilityPage() throws Exception {
        Path doc = dir.resolve("reliability.md");
        Files.writeString(doc, "# Reliability\n\nintro\n\n" + ChaosBench.BEGIN + "\nold table\n" + ChaosBench.END
                + "\n\nafter\n");
        ObjectNode chaos = ChaosBench.update(dir.resolve("chaos.json"), result("baseline", List.of(), Map.of()),
                Workload.Size.DEFAULT, 1, dir);

        ChaosBench.writeTable(doc, chaos);
        String text = Files.readString(doc);

        assertThat(text).startsWith("# Reliability\n\nintro\n\n" + ChaosBench.BEGIN).endsWith(ChaosBench.END
                + "\n\nafter\n").doesNotContain("old table").contains("| `baseline` | 100 |").contains("workload 100 commits over 20 apps");
        Files.writeString(doc, "no markers");
        assertThatThrownBy(() -> ChaosBench.writeTable(doc, chaos)).hasMessageContaining("has no " + ChaosBench.BEGIN);
    }

    @Test
    void theBenchReportShowsTheChaosTable() throws Exception {
        Path parts = Files.createDirectories(dir.resolve("parts"));
        ObjectNode json = EventCodec.mapper().createObjectNode();
        json.set("chaos", ChaosBench.update(dir.resolve("x.json"), result("baseline", List.of(), Map.of()),
                Workload.Size.DEFAULT, 1, dir));
        Files.writeString(parts.resolve("chaos.json"), json.toString());

        String md = BenchReport.markdown(BenchReport.merge(parts, "2 cores", "abc1234"));

        assertThat(md).contains("## Faults (`bin/quayside chaos`").contains("| `baseline` | 100 | 97 |")
                .contains("`chaos`: Each scenario on a fresh local stack");
    }
}
