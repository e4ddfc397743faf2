package dev.quayside.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quayside.cli.client.BoardClient;
import dev.quayside.cli.client.BoardException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code quayside approve|reject APP ENV}: a person's decision on the promotion of APP into ENV that waits for one.
 * The decision names the image it is about (the one listed now, or {@code --image}), so that a newer promotion that
 * replaced it meanwhile is not decided unseen (config-syncer answers 409, exit code 8).
 */
abstract class PromotionDecision implements Callable<Integer> {

    @Mixin
    BoardOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "APP", description = "The app (its definition's file name without .json).")
    String app;

    @Parameters(index = "1", paramLabel = "ENV", arity = "0..1",
            description = "The environment it would be promoted into (or --env).")
    String environment;

    @Option(names = {"--env", "-e"}, paramLabel = "ENV", description = "The environment, as an option.")
    String envOption;

    @Option(names = "--repo", paramLabel = "REPO",
            description = "The config repository (needed only when the app waits in several).")
    String repository;

    @Option(names = "--image", paramLabel = "IMAGE",
            description = "The image decided on (default: the one waiting now, as listed by quayside promotions).")
    String image;

    @Mixin
    OperatorToken token;

    /** {@code approve} or {@code reject}. */
    abstract String decision();

    /** What the decision did, for people. */
    abstract String done();

    /** Anything the decision adds to the body besides the image. */
    void addTo(ObjectNode body) {
    }

    @Override
    public Integer call() {
        if (envOption != null && environment != null && !envOption.equals(environment)) {
            throw new BoardException(ExitCodes.USAGE, "two environments: " + environment + " and --env " + envOption);
        }
        environment = environment != null ? environment : envOption;
        if (environment == null || environment.isBlank()) {
            throw new BoardException(ExitCodes.USAGE, decision() + " needs the environment: " + decision() + " "
                    + app + " ENV, or --env ENV");
        }
        BoardClient client = options.client();
        String repo = repository;
        String decided = image;
        if (repo == null || decided == null) {
            JsonNode waiting = waitingOne(client);
            repo = repo != null ? repo : waiting.path("repository").asText();
            decided = decided != null ? decided : waiting.path("image").asText();
        }
        ObjectNode body = BoardClient.json().createObjectNode().put("image", decided);
        String user = System.getenv("USER");
        if (user != null && !user.isBlank()) {
            body.put("by", user + " (quayside CLI)");
        }
        addTo(body);
        JsonNode answer = token.post(client, decision(), "api/promotions/" + BoardClient.encode(repo) + "/"
                + BoardClient.encode(app) + "/" + BoardClient.encode(environment) + "/" + decision(), body);
        Output out = options.output(spec.commandLine().getOut());
        if (options.json) {
            out.println(BoardClient.toJson(answer));
        } else {
            out.println(out.status(done()) + ": " + app + " " + PromotionsCommand.shortImage(decided) + " into "
                    + environment + " (" + repo + ")");
        }
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

        @Override
        String decision() {
            return "approve";
        }

        @Override
        String done() {
            return "approved";
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true,
            description = "Reject the promotion of APP into ENV: nothing is written there, and the rejection is"
                    + " announced. Needs the operator token.")
    static final class Reject extends PromotionDecision {

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the announcement.")
        String reason;

        @Override
        String decision() {
            return "reject";
        }

        @Override
        String done() {
            return "rejected";
        }

        @Override
        void addTo(ObjectNode body) {
            if (reason != null && !reason.isBlank()) {
                body.put("reason", reason);
            }
        }
    }
}
