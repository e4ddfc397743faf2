package dev.quayside.devstack.marathon;

import static dev.quayside.devstack.common.StandInCommand.integer;
import static dev.quayside.devstack.common.StandInCommand.value;

import dev.quayside.devstack.common.StandInCommand;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs the Marathon stand-in (and the Chronos stand-in beside it) in the foreground on 127.0.0.1
 * ({@code bin/quayside devstack marathon}): {@code [--port 8080] [--chronos-port 4400] [--id standalone]
 * [--default-image IMAGE] [--deployment-timeout SECONDS] [--state-dir DIR] [--stop-tasks-on-exit]
 * [--host-network]}. {@code --host-network}: apps in host networking run in Docker's host network
 * ({@link MarathonStandIn.Options#hostNetwork}). By default the
 * app containers keep running on Ctrl-C and the next run with the same id re-adopts them.
 */
public final class MarathonStandInMain {

    static final String USAGE = "usage: bin/quayside devstack marathon [--port 8080] [--chronos-port 4400] "
            + "[--id standalone] [--default-image IMAGE] [--deployment-timeout SECONDS] [--state-dir DIR] "
            + "[--stop-tasks-on-exit] [--host-network]";

    /** What the command line asks for. */
    record Command(MarathonStandIn.Options options, boolean stopTasksOnExit) {
    }

    private MarathonStandInMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        StandInCommand.run("marathon", USAGE, args, MarathonStandInMain::parse, command -> {
            MarathonStandIn standIn = MarathonStandIn.start(command.options());
            boolean stop = command.stopTasksOnExit();
            return StandInCommand.Running.of("Marathon stand-in: " + standIn.marathonUrl() + "  Chronos stand-in: "
                    + standIn.chronosUrl() + "  (Ctrl-C stops; app containers "
                    + (stop ? "are stopped" : "keep running and are re-adopted") + ")",
                    stop ? standIn::close : standIn::closeKeepingTasks);
        });
    }

    static Command parse(String[] args) {
        MarathonStandIn.Options options = MarathonStandIn.options().marathonPort(8080).chronosPort(4400)
                .standInId("standalone");
        boolean stopOnExit = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--port" -> options.marathonPort(integer(value(args, ++i, a), a));
                case "--chronos-port" -> options.chronosPort(integer(value(args, ++i, a), a));
                case "--id" -> options.standInId(value(args, ++i, a));
                case "--default-image" -> options.defaultImage(value(args, ++i, a));
                case "--deployment-timeout" -> options.deploymentTimeout(
                        Duration.ofSeconds(integer(value(args, ++i, a), a)));
                case "--state-dir" -> options.stateDir(Path.of(value(args, ++i, a)));
                case "--stop-tasks-on-exit" -> stopOnExit = true;
                case "--host-network" -> options.hostNetwork(true);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        return new Command(options, stopOnExit);
    }
}
