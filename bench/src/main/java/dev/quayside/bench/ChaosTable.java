package dev.quayside.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The chaos results ({@code chaos} in {@code bench/results/parts/chaos.json}) as a Markdown table, one row per scenario. */
final class ChaosTable {

    private ChaosTable() {
    }

    static String markdown(JsonNode chaos) {
        StringBuilder md = new StringBuilder();
        md.append("| scenario | commits sent | chains terminal | silent | lost | duplicated effects | recover (s) |"
                + " what the checker found |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Iterator<Map.Entry<String, JsonNode>> it = chaos.path("scenarios").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode s = entry.getValue();
            md.append("| `").append(entry.getKey()).append("` | ");
            if (s.hasNonNull("error")) {
                md.append("- | - | - | - | - | - | did not run to the end: ").append(cell(s.path("error").asText()))
                        .append(" |\n");
                continue;
            }
            md.append(s.path("commits_sent").asInt()).append(" | ")
                    .append(s.path("chains_terminal").asInt()).append(" | ")
                    .append(s.path("silent").asInt()).append(" | ")
                    .append(s.path("lost").asInt()).append(" | ")
                    .append(counts(s.path("duplicated"), "0")).append(" | ")
                    .append(String.format("%.1f", s.path("recover_s").asDouble()))
                    .append(s.path("quiet").asBoolean() ? "" : " (not quiet by the deadline)").append(" | ")
                    .append(counts(s.path("findings"), "nothing")).append(" |\n");
        }
        return md.toString();
    }

    /** {@code a 2, b 1} from an object of counts, or {@code none}. */
    static String counts(JsonNode counts, String none) {
        List<String> parts = new ArrayList<>();
        counts.fields().forEachRemaining(e -> parts.add(e.getKey() + " " + e.getValue().asInt()));
        return parts.isEmpty() ? none : cell(String.join(", ", parts));
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
