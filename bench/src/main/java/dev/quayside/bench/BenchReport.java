package dev.quayside.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quayside.events.EventCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Merges the suites' results ({@code bench/results/parts/<suite>.json}, each an object of figures keyed by the names
 * of issue #13) into {@code bench/results/latest.json} and renders {@code latest.md}: the machine, the commit, and a row
 * per figure with its samples and p50/p95/p99 (or its rate), with the naive baseline and the ratio where there is one.
 */
public final class BenchReport {

    private static final ObjectMapper JSON = EventCodec.mapper();

    private BenchReport() {
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(System.getProperty("quayside.root", ".")).toAbsolutePath().normalize();
        Path results = root.resolve("bench/results");
        ObjectNode merged = merge(results.resolve("parts"), PipelineBench.machine(), PipelineBench.gitHead(root));
        Files.writeString(results.resolve("latest.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(merged) + "\n");
        Files.writeString(results.resolve("latest.md"), markdown(merged));
        System.out.println(Files.readString(results.resolve("latest.md")));
    }

    /** Every part's figures under their own keys; a key two parts both write is an error, never silently replaced. */
    static ObjectNode merge(Path parts, String machine, String commit) throws IOException {
        ObjectNode merged = JSON.createObjectNode();
        merged.put("machine", machine);
        merged.put("commit", commit);
        merged.put("merged_at", Instant.now().toString());
        ObjectNode suites = merged.putObject("suites");
        List<Path> files;
        try (Stream<Path> listing = Files.exists(parts) ? Files.list(parts) : Stream.empty()) {
            files = listing.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        for (Path file : files) {
            JsonNode part = JSON.readTree(file.toFile());
            String suite = file.getFileName().toString().replaceFirst("\\.json$", "");
            ObjectNode about = suites.putObject(suite);
            about.put("file", "parts/" + file.getFileName());
            about.put("modified", Files.getLastModifiedTime(file).toInstant().toString());
            for (Iterator<Map.Entry<String, JsonNode>> it = part.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> figure = it.next();
                if (figure.getKey().equals("machine") || figure.getKey().equals("commit")
                        || figure.getKey().equals("measured_at")) {
                    about.set(figure.getKey(), figure.getValue());
                } else if (merged.has(figure.getKey())) {
                    throw new IllegalStateException("figure '" + figure.getKey() + "' is written by two suites ("
                            + suite + " and an earlier one)");
                } else {
                    merged.set(figure.getKey(), figure.getValue());
                }
            }
        }
        return merged;
    }

    static String markdown(JsonNode merged) {
        StringBuilder md = new StringBuilder("# Quayside benchmark\n\n");
        md.append("- machine: ").append(merged.path("machine").asText()).append('\n');
        md.append("- commit: ").append(merged.path("commit").asText()).append('\n');
        md.append("- merged at: ").append(merged.path("merged_at").asText()).append("\n\n");
        md.append("| suite | measured at | commit |\n| --- | --- | --- |\n");
        merged.path("suites").fields().forEachRemaining(e -> md.append("| ").append(e.getKey()).append(" | ")
                .append(e.getValue().path("measured_at").asText(e.getValue().path("modified").asText())).append(" | ")
                .append(e.getValue().path("commit").asText("-")).append(" |\n"));
        md.append("\n| figure | samples | p50 | p95 | p99 | unit | baseline p50 (ratio) |\n")
                .append("| --- | --- | --- | --- | --- | --- | --- |\n");
        List<String> notes = new ArrayList<>();
        merged.fields().forEachRemaining(e -> {
            if (e.getValue().isObject() && !e.getKey().equals("suites") && !e.getKey().equals("footprint")
                    && !e.getKey().equals("chaos")) {
                rows(md, e.getKey(), e.getValue(), notes);
            }
        });
        JsonNode footprint = merged.path("footprint");
        if (footprint.isObject()) {
            md.append("\n| service | RSS after the run (MB) | ready, all starting at once (ms) | ready, started alone (ms) |\n")
                    .append("| --- | --- | --- | --- |\n");
            footprint.fields().forEachRemaining(e -> {
                if (e.getValue().isObject()) {
                    md.append("| ").append(e.getKey()).append(" | ").append(number(e.getValue().path("rss_mb")))
                            .append(" | ").append(number(e.getValue().path("ready_ms_all_at_once")))
                            .append(" | ").append(number(e.getValue().path("ready_ms"))).append(" |\n");
                }
            });
            md.append("\nWhole mesh RSS: ").append(number(footprint.path("mesh_rss_mb"))).append(" MB. ")
                    .append(footprint.path("note").asText("")).append('\n');
        }
        JsonNode chaos = merged.path("chaos");
        if (chaos.isObject()) {
            md.append("\n## Faults (`bin/quayside chaos`, docs/reliability.md)\n\n").append(ChaosTable.markdown(chaos));
            notes.add("`chaos`: " + chaos.path("note").asText());
        }
        if (!notes.isEmpty()) {
            md.append("\n## Notes\n\n");
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
        }
        return md.toString();
    }

    /** A row for each figure (an object with p50 or rate) under {@code node}, named by its path. */
    private static void rows(StringBuilder md, String path, JsonNode node, List<String> notes) {
        if (node.has("note") && node.get("note").isTextual()) {
            notes.add("`" + path + "`: " + node.get("note").asText());
        }
        if (node.has("p50") || node.has("rate")) {
            md.append("| ").append(path).append(" | ").append(samples(node)).append(" | ");
            if (node.has("p50")) {
                md.append(number(node.path("p50"))).append(" | ").append(number(node.path("p95"))).append(" | ")
                        .append(number(node.path("p99"))).append(" | ").append(node.path("unit").asText("")).append(" | ");
            } else {
                md.append(number(node.path("rate"))).append(" | - | - | ").append(node.path("unit").asText(""))
                        .append(" (rate) | ");
            }
            JsonNode naive = node.path("naive");
            md.append(naive.has("p50") ? number(naive.path("p50")) + " (" + number(node.path("ratio_p50")) + "×)" : "-")
                    .append(" |\n");
        }
        node.fields().forEachRemaining(e -> {
            if (e.getValue().isObject() && !e.getKey().equals("naive")) {
                rows(md, path + "." + e.getKey(), e.getValue(), notes);
            }
        });
    }

    private static String samples(JsonNode node) {
        if (node.has("n")) {
            return node.path("n").asText();
        }
        JsonNode samples = node.path("samples");
        return samples.isArray() ? Integer.toString(samples.size()) : samples.asText("-");
    }

    private static String number(JsonNode value) {
        if (value.isMissingNode() || value.isNull()) {
            return "-";
        }
        if (!value.isNumber()) {
            return value.asText();
        }
        double d = value.asDouble();
        return d == Math.rint(d) && Math.abs(d) < 1e12 ? Long.toString((long) d)
                : d >= 100 ? String.format("%.0f", d) : String.format("%.2f", d);
    }
}
