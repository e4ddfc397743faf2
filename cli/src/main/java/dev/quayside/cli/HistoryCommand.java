package dev.quayside.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.quayside.cli.api.Api;
import dev.quayside.cli.client.BoardClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code quayside history APP [--env E]}: an app's deployments. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "An app's deployments, newest first: deployed, upgraded, unchanged, rolled back, removed, failed.")
final class HistoryCommand implements Callable<Integer> {

    @Mixin
    BoardOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "APP", description = "The app (its definition's file name).")
    String app;

    @Option(names = {"-e", "--env"}, paramLabel = "ENV", description = "Only this environment.")
    String environment;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", defaultValue = "20",
            description = "At most N entries (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        BoardClient board = options.client();
        String path = "api/apps/" + BoardClient.encode(app) + "/history?limit=" + limit
                + (environment == null ? "" : "&env=" + BoardClient.encode(environment));
        List<Api.HistoryEntry> history = board.get(path, new TypeReference<List<Api.HistoryEntry>>() { });
        Output out = options.output(spec.commandLine().getOut());
        if (options.json) {
            out.println(BoardClient.toJson(history));
            return ExitCodes.OK;
        }
        Instant now = Instant.now();
        List<List<String>> rows = new ArrayList<>();
        for (Api.HistoryEntry e : history) {
            rows.add(List.of(Output.ago(e.at(), now) + " ago", e.environment(), out.status(e.type()),
                    e.commit() != null ? Output.shortSha(e.commit()) : StatusCommand.tag(e.image()),
                    e.version() == null ? "" : e.version(), Output.millis(e.durationMs()),
                    e.chainId() == null ? "" : e.chainId().substring(0, Math.min(8, e.chainId().length())),
                    e.reason() == null ? "" : e.reason()));
        }
        out.table(List.of("WHEN", "ENV", "WHAT", "COMMIT", "VERSION", "TOOK", "CHAIN", "REASON"), rows);
        return ExitCodes.OK;
    }
}
