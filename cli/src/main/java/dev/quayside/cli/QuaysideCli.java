package dev.quayside.cli;

import dev.quayside.cli.client.BoardException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code quayside}: the pipeline as the board sees it, from a terminal or a CI job. See docs/cli.md. */
@Command(name = "quayside", mixinStandardHelpOptions = true, version = "quayside 0.1.0",
        description = "See the Quayside pipeline from a terminal or a CI job: what runs where, a push's way through "
                + "the stages, build logs, the raw events, the promotions waiting at a gate; and sync a repository "
                + "now, approve or reject a promotion, suspend, resume or roll back an app in an environment. Talks to"
                + " the board's API.",
        subcommands = {StatusCommand.class, HistoryCommand.class, FollowCommand.class, LogsCommand.class,
            SyncCommand.class, PromotionsCommand.class, PromotionDecision.Approve.class, PromotionDecision.Reject.class,
            AppSteering.Suspend.class, AppSteering.Resume.class, AppSteering.Rollback.class, EventsCommand.class,
            TrainCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  done (follow: live)", "  1  follow: a stage failed", "  2  bad arguments",
            "  3  not found", "  4  follow: timed out", "  5  follow: superseded by a newer commit",
            "  6  the board (or git-watcher, config-syncer) did not answer or failed",
            "  7  wrong or missing operator token",
            "  8  a conflict: approve/reject: the image waiting is not the one named;",
            "     resume: suspended in quayside.yml; rollback: suspended, or at it already"})
public final class QuaysideCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with {@code args}, writing to {@code out} and {@code err}; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new QuaysideCli());
        cli.registerConverter(Duration.class, QuaysideCli::duration);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof BoardException board) {
                commandLine.getErr().println("quayside: " + board.getMessage());
                commandLine.getErr().flush();
                return board.exitCode();
            }
            throw e;
        });
        return cli;
    }

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|min|h)");

    /** {@code 90s}, {@code 15m}, {@code 1h}, {@code 500ms} or ISO-8601 ({@code PT15M}). */
    static Duration duration(String text) {
        Matcher m = SHORT_DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m", "min" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a duration (e.g. 90s, 15m, 1h)");
        }
    }
}
