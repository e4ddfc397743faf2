package dev.quayside.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quayside.cli.client.BoardClient;
import dev.quayside.cli.client.BoardException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * An operator action on one app in one environment ({@code approve}, {@code reject}, {@code suspend}, {@code resume},
 * {@code rollback}): {@code APP [ENV]} or {@code APP --env ENV}, {@code --repo} for the config repository when the app
 * is in several, the operator token, and who did it ({@code $USER (quayside CLI)}).
 */
abstract class AppAction implements Callable<Integer> {

    @Mixin
    BoardOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "APP", description = "The app (its definition's file name without .json).")
    String app;

    @Parameters(index = "1", paramLabel = "ENV", arity = "0..1", description = "The environment (or --env).")
    String environment;

    @Option(names = {"--env", "-e"}, paramLabel = "ENV", description = "The environment, as an option.")
    String envOption;

    @Option(names = "--repo", paramLabel = "REPO",
            description = "The config repository (needed only when the app is in several).")
    String repository;

    @Mixin
    OperatorToken token;

    /** The command's name ({@code approve}, {@code suspend}, …) and what it did, for people ({@code approved}, …). */
    final String action;
    final String done;

    AppAction(String action, String done) {
        this.action = action;
        this.done = done;
    }

    /** The environment named, once (as ENV or {@code --env}); a usage error otherwise. */
    String environment() {
        if (envOption != null && environment != null && !envOption.equals(environment)) {
            throw new BoardException(ExitCodes.USAGE, "two environments: " + environment + " and --env " + envOption);
        }
        String env = environment != null ? environment : envOption;
        if (env == null || env.isBlank()) {
            throw new BoardException(ExitCodes.USAGE, action + " needs the environment: " + action + " " + app
                    + " ENV, or --env ENV");
        }
        return env;
    }

    /** Anything the action adds to its request body (a reason, a version). */
    void addTo(ObjectNode body) {
    }

    /** A request body naming who acts ({@code $USER (quayside CLI)}, when $USER is set). */
    static ObjectNode bodyWithBy() {
        ObjectNode body = BoardClient.json().createObjectNode();
        String user = System.getenv("USER");
        if (user != null && !user.isBlank()) {
            body.put("by", user + " (quayside CLI)");
        }
        return body;
    }

    /** {@code POST path} with the operator token and {@code body}: the board's answer. */
    JsonNode post(BoardClient client, String path, JsonNode body) {
        return token.post(client, action, path, body);
    }

    /** Prints the board's answer with {@code --json}, else {@code line}. */
    void print(JsonNode answer, java.util.function.Function<Output, String> line) {
        Output out = options.output(spec.commandLine().getOut());
        out.println(options.json ? BoardClient.toJson(answer) : line.apply(out));
    }

    /** {@code --reason TEXT}: why, kept with the action (its commit message, its announcement). */
    static final class Reason {

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why (kept with it and announced).")
        String text;

        void addTo(ObjectNode body) {
            if (text != null && !text.isBlank()) {
                body.put("reason", text);
            }
        }
    }
}
