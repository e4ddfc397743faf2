package dev.quayside.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quayside.cli.client.BoardClient;
import dev.quayside.cli.client.BoardException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code quayside approve|reject APP ENV}: a person's decision on the promotion of APP into ENV that waits for one.
 * The decision names the image it is about (the one listed now, or {@code --image}), so that a newer promotion that
 * replaced it meanwhile is not decided unseen (config-syncer answers 409, exit code 8).
 */
abstract class PromotionDecision extends AppAction {

    PromotionDecision(String action, String done) {
        super(action, done);
    }

    @Option(names = "--image", paramLabel = "IMAGE",
            description = "The image decided on (default: the one waiting now, as listed by quayside promotions).")
    String image;

    @Override
    public Integer call() {
        environment = environment();
        BoardClient client = options.client();
        String repo = repository;
        String decided = image;
        if (repo == null || decided == null) {
            JsonNode waiting = waitingOne(client);
            repo = repo != null ? repo : waiting.path("repository").asText();
            decided = decided != null ? decided : waiting.path("image").asText();
        }
        ObjectNode body = bodyWithBy().put("image", decided);
        addTo(body);
        JsonNode answer = post(client, "api/promotions/" + BoardClient.encode(repo) + "/" + BoardClient.encode(app) + "/"
                + BoardClient.encode(environment) + "/" + action, body);
        String shown = decided;
        String from = repo;
        print(answer, out -> out.status(done) + ": " + app + " " + PromotionsCommand.shortImage(shown) + " into "
                + environment + " (" + from + ")");
        return ExitCodes.OK;
    }

    /** The one promotion of the app into the environment waiting now (in {@code --repo} when given). */
    private JsonNode waitingOne(BoardClient client) {
        List<JsonNode> matches = new ArrayList<>();
        for (JsonNode p : PromotionsCommand.waiting(client.get("api/promotions", JsonNode.class))) {
            if (p.path("app").asText().equals(app) && p.path("toEnvironment").asText().equals(environment)
                    && (repository == null || p.path("repository").asText().equals(repository))) {
                matches.add(p);
            }
        }
        if (matches.isEmpty()) {
            throw new BoardException(ExitCodes.NOT_FOUND, "no promotion of " + app + " into " + environment
                    + (repository == null ? "" : " in " + repository) + " is waiting (quayside promotions lists them)");
        }
        if (matches.size() > 1) {
            List<String> repos = matches.stream().map(m -> m.path("repository").asText()).toList();
            throw new BoardException(ExitCodes.USAGE, app + " waits to be promoted into " + environment + " in "
                    + String.join(", ", repos) + ": say which with --repo");
        }
        return matches.get(0);
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = "Approve the promotion of APP into ENV that waits for an approval: config-syncer writes it"
                    + " once its other gates (a soak time) are met. Needs the operator token.")
    static final class Approve extends PromotionDecision {
        Approve() {
            super("approve", "approved");
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true,
            description = "Reject the promotion of APP into ENV: nothing is written there, and the rejection is"
                    + " announced. Needs the operator token.")
    static final class Reject extends PromotionDecision {

        @Mixin
        Reason reason;

        Reject() {
            super("reject", "rejected");
        }

        @Override
        void addTo(ObjectNode body) {
            reason.addTo(body);
        }
    }
}
