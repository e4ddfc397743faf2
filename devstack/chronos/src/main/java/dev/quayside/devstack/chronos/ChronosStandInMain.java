package dev.quayside.devstack.chronos;

import static dev.quayside.devstack.common.StandInCommand.integer;
import static dev.quayside.devstack.common.StandInCommand.value;

import dev.quayside.devstack.common.StandInCommand;
import java.nio.file.Path;

/**
 * Runs the Chronos stand-in alone in the foreground on 127.0.0.1 ({@code bin/quayside devstack chronos}):
 * {@code [--port 4400] [--id standalone] [--default-image IMAGE] [--state-dir DIR] [--stop-jobs-on-exit]}.
 */
public final class ChronosStandInMain {

    static final String USAGE = "usage: bin/quayside devstack chronos [--port 4400] [--id standalone] "
            + "[--default-image IMAGE] [--state-dir DIR] [--stop-jobs-on-exit]";

    /** What the command line asks for. */
    record Command(ChronosStandIn.Options options, boolean stopJobsOnExit) {
    }

    private ChronosStandInMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        StandInCommand.run("chronos", USAGE, args, ChronosStandInMain::parse, command -> {
            ChronosStandIn chronos = ChronosStandIn.start(command.options());
            boolean stop = command.stopJobsOnExit();
            return StandInCommand.Running.of("Chronos stand-in: " + chronos.url() + "  (Ctrl-C stops; running jobs "
                    + (stop ? "are stopped" : "keep running") + ")", stop ? chronos::close
                            : chronos::closeKeepingContainers);
        });
    }

    static Command parse(String[] args) {
        ChronosStandIn.Options options = ChronosStandIn.options().port(4400).standInId("standalone");
        boolean stopOnExit = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--port" -> options.port(integer(value(args, ++i, a), a));
                case "--id" -> options.standInId(value(args, ++i, a));
                case "--default-image" -> options.defaultImage(value(args, ++i, a));
                case "--state-dir" -> options.stateDir(Path.of(value(args, ++i, a)));
                case "--stop-jobs-on-exit" -> stopOnExit = true;
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        return new Command(options, stopOnExit);
    }
}
