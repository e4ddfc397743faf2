package dev.quayside.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.quayside.cli.api.Api;
import dev.quayside.cli.client.BoardClient;
import dev.quayside.cli.client.BoardException;
import dev.quayside.cli.follow.Target;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code quayside logs BUILD [-f]}: a build's log, streamed with {@code -f} while the build runs. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "A build's log (what the board keeps of it: its latest part). With -f, new lines as the build "
                + "writes them, until it finishes.")
final class LogsCommand implements Callable<Integer> {

    @Mixin
    BoardOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BUILD|REPO@COMMIT",
            description = "A build id, or a repository and commit (its newest chain's build).")
    String build;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until the build finished.")
    boolean follow;

    @Override
    public Integer call() {
        BoardClient board = options.client();
        String buildId = buildId(board);
        Output out = options.output(spec.commandLine().getOut());
        if (follow) {
            board.stream("api/builds/" + BoardClient.encode(buildId) + "/log/stream", null, (name, data) -> {
                if ("log".equals(name)) {
                    Api.LogLine line = BoardClient.parse(data, Api.LogLine.class);
                    out.println(options.json ? BoardClient.toJson(line) : line.line());
                }
                return !"log-end".equals(name);
            });
            return ExitCodes.OK;
        }
        Api.BuildLog log = board.get("api/builds/" + BoardClient.encode(buildId), Api.BuildLog.class);
        if (options.json) {
            out.println(BoardClient.toJson(log));
            return ExitCodes.OK;
        }
        if (log.dropped() > 0) {
            spec.commandLine().getErr().println("(" + log.dropped() + " earlier line(s) not kept by the board)");
        }
        log.lines().forEach(out.out()::println);
        out.out().flush();
        return ExitCodes.OK;
    }

    private String buildId(BoardClient board) {
        if (!build.contains("@")) {
            return build;
        }
        Target target = Target.parse(build);
        List<Api.Chain> chains = board.get("api/chains?limit=1&repo=" + BoardClient.encode(target.repository())
                + "&commit=" + target.commit(), new TypeReference<List<Api.Chain>>() { });
        if (chains.isEmpty()) {
            throw new BoardException(ExitCodes.NOT_FOUND, "no push of " + build + " was seen");
        }
        if (chains.get(0).buildId() == null) {
            throw new BoardException(ExitCodes.NOT_FOUND, "no build of " + build + " was seen (yet)");
        }
        return chains.get(0).buildId();
    }
}
