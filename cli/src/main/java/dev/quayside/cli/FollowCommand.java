package dev.quayside.cli;

import dev.quayside.cli.api.Api;
import dev.quayside.cli.client.BoardClient;
import dev.quayside.cli.follow.ChainWatch;
import dev.quayside.cli.follow.StageLine;
import dev.quayside.cli.follow.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code quayside follow REPO@COMMIT|CHAIN}: a push's way through the stages, live; the exit code says how it ended. */
@Command(name = "follow", mixinStandardHelpOptions = true,
        description = {"Follows a push through the stages as they happen, and exits when it is live (0), a stage "
                + "failed (1), it timed out (4) or a newer commit superseded it (5). Run it in a CI job right after "
                + "a push: a commit that was not pushed yet is waited for.",
            "Lines: time since the push, the stage, what it did."})
final class FollowCommand implements Callable<Integer> {

    @Mixin
    BoardOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REPO@COMMIT|CHAIN",
            description = "A repository and a commit (4 to 40 hex digits), or a chain id.")
    String target;

    @Option(names = {"-t", "--timeout"}, paramLabel = "DURATION", defaultValue = "15m",
            description = "Give up after this long (e.g. 90s, 15m; default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        Target what = Target.parse(target);
        Output out = options.output(spec.commandLine().getOut());
        ChainWatch.Outcome outcome = new ChainWatch(options.client()).follow(what, timeout,
                options.json ? new JsonLines(out) : new Lines(out, what));
        if (options.json) {
            Map<String, Object> end = new LinkedHashMap<>();
            end.put("result", outcome.result().name().toLowerCase());
            end.put("exitCode", outcome.exitCode());
            end.put("reason", outcome.reason());
            end.put("elapsedMs", outcome.elapsed().toMillis());
            end.put("chain", outcome.chain());
            out.println(BoardClient.toJson(end));
        } else {
            Api.Chain chain = outcome.chain();
            String name = chain == null ? what.toString()
                    : chain.repository() + "@" + Output.shortSha(chain.commit());
            String line = switch (outcome.result()) {
                case SUCCEEDED -> out.status(chain.status()) + ": " + name
                        + (chain.durationMs() == null ? "" : " in " + Output.millis(chain.durationMs()))
                        + (chain.statusReason() == null ? "" : " (" + chain.statusReason() + ")");
                case FAILED -> out.status("failed") + ": " + name + ": " + outcome.reason();
                case SUPERSEDED -> "superseded: " + name + ": " + outcome.reason();
                case TIMED_OUT -> "timed out: " + outcome.reason();
            };
            out.println(line);
        }
        return outcome.exitCode();
    }

    /** One line per stage change, the time since the push first. */
    static final class Lines implements ChainWatch.Listener {
        private final Output out;
        private final Target target;
        private final Instant started = Instant.now();
        private boolean announced;

        Lines(Output out, Target target) {
            this.out = out;
            this.target = target;
        }

        @Override
        public void chain(Api.Chain chain) {
            if (!announced) {
                announced = true;
                out.println(out.dim("following " + chain.repository() + "@" + Output.shortSha(chain.commit())
                        + (chain.ref() == null ? "" : " " + chain.ref()) + " (chain " + chain.id() + ")"));
            }
        }

        @Override
        public void stage(Api.Stage stage, Api.Chain chain) {
            out.println(StageLine.format(stage, chain, started, out::status));
        }

        @Override
        public void reconnecting(String reason) {
            out.println(out.dim("  (" + reason + "; following " + target + " again)"));
        }
    }

    /** One JSON object per stage change. */
    static final class JsonLines implements ChainWatch.Listener {
        private final Output out;

        JsonLines(Output out) {
            this.out = out;
        }

        @Override
        public void stage(Api.Stage stage, Api.Chain chain) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("chainId", chain.id());
            line.put("stage", stage);
            out.println(BoardClient.toJson(line));
        }
    }
}
