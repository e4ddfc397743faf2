package dev.quayside.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.cli.client.BoardClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code quayside sync REPO}: git-watcher polls the repository now (needs the operator token). */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = "Sync now: git-watcher polls the repository at once and publishes what changed. Needs the "
                + "operator token.")
final class SyncCommand implements Callable<Integer> {

    @Mixin
    BoardOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REPO", description = "The repository's name, as git-watcher knows it.")
    String repository;

    @Mixin
    OperatorToken token;

    @Override
    public Integer call() {
        JsonNode answer = token.post(options.client(), "sync",
                "api/repositories/" + BoardClient.encode(repository) + "/sync", null);
        Output out = options.output(spec.commandLine().getOut());
        if (options.json) {
            out.println(BoardClient.toJson(answer));
            return ExitCodes.OK;
        }
        StringBuilder heads = new StringBuilder();
        answer.path("gitWatcher").path("heads").fields().forEachRemaining(h -> heads.append(heads.length() == 0 ? "" : ", ")
                .append(h.getKey().replace("refs/heads/", "")).append(' ').append(Output.shortSha(h.getValue().asText())));
        out.println(out.status("synced") + ": " + repository + (heads.length() == 0 ? "" : " (" + heads + ")"));
        return ExitCodes.OK;
    }
}
