package dev.quayside.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.cli.client.BoardClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code quayside promotions}: the promotions waiting at a gate (a soak time, an approval), as config-syncer keeps them. */
@Command(name = "promotions", mixinStandardHelpOptions = true,
        description = "The promotions waiting at a gate: what would be promoted from which environment into which, and"
                + " what it waits for (a soak time, an approval: quayside approve / reject).")
final class PromotionsCommand implements Callable<Integer> {

    @Mixin
    BoardOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        JsonNode answer = options.client().get("api/promotions", JsonNode.class);
        JsonNode promotions = waiting(answer);
        Output out = options.output(spec.commandLine().getOut());
        if (options.json) {
            out.println(BoardClient.toJson(promotions));
            return ExitCodes.OK;
        }
        if (promotions.isEmpty()) {
            out.println("no promotion is waiting");
            return ExitCodes.OK;
        }
        Instant now = Instant.now();
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode p : promotions) {
            List<String> gates = new ArrayList<>();
            p.path("waitingFor").forEach(g -> gates.add(g.asText()));
            String requested = p.path("requestedAt").asText("");
            rows.add(List.of(p.path("app").asText(),
                    p.path("fromEnvironment").asText() + " → " + p.path("toEnvironment").asText(),
                    shortImage(p.path("image").asText()), out.status(gates.isEmpty() ? "ready" : String.join(", ", gates)),
                    requested.isEmpty() ? "" : Output.ago(Instant.parse(requested), now), p.path("repository").asText()));
        }
        out.table(List.of("APP", "FROM → TO", "IMAGE", "WAITING FOR", "SINCE", "REPOSITORY"), rows);
        return ExitCodes.OK;
    }

    /** config-syncer's list, as the board relays it. */
    static JsonNode waiting(JsonNode answer) {
        return answer.path("configSyncer");
    }

    /** {@code registry/name:tag@sha256:…} as {@code name:tag}. */
    static String shortImage(String image) {
        String withoutDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        return withoutDigest.substring(withoutDigest.lastIndexOf('/') + 1);
    }
}
