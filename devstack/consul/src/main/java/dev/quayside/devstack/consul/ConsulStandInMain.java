package dev.quayside.devstack.consul;

import static dev.quayside.devstack.common.StandInCommand.integer;
import static dev.quayside.devstack.common.StandInCommand.value;

import dev.quayside.devstack.common.StandInCommand;
import java.nio.file.Path;

/**
 * Runs the stand-in in the foreground on 127.0.0.1 ({@code bin/quayside devstack consul}):
 * {@code [--port 8500] [--acl-token T] [--data-dir D] [--txn-op-limit 64]}. Stops on SIGINT/SIGTERM; exits 2 on a bad
 * argument.
 */
public final class ConsulStandInMain {

    static final String USAGE =
            "usage: bin/quayside devstack consul [--port 8500] [--acl-token TOKEN] [--data-dir DIR] [--txn-op-limit 64]";

    private ConsulStandInMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        StandInCommand.run("consul", USAGE, args, ConsulStandInMain::parse, options -> {
            ConsulStandIn consul = ConsulStandIn.start(options);
            return StandInCommand.Running.of("Consul stand-in listening on " + consul.url()
                    + (options.aclToken() != null ? " (ACLs on)" : "")
                    + (options.dataDir() != null ? ", data in " + options.dataDir() : ", in memory"), consul::close);
        });
    }

    /** The options the arguments ask for (port 8500 unless given). */
    static ConsulStandIn.Options parse(String[] args) {
        ConsulStandIn.Options options = ConsulStandIn.Options.defaults().port(8500);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--port":
                    options.port(integer(value(args, ++i, arg), arg));
                    break;
                case "--acl-token":
                    options.aclToken(value(args, ++i, arg));
                    break;
                case "--data-dir":
                    options.dataDir(Path.of(value(args, ++i, arg)));
                    break;
                case "--txn-op-limit":
                    options.txnOpLimit(integer(value(args, ++i, arg), arg));
                    break;
                default:
                    throw new IllegalArgumentException("unknown argument: " + arg);
            }
        }
        return options;
    }
}
