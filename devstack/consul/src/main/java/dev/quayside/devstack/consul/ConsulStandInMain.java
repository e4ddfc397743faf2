package dev.quayside.devstack.consul;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

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
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        ConsulStandIn.Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        ConsulStandIn consul = ConsulStandIn.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            consul.close();
            stopped.countDown();
        }, "consul-standin-shutdown"));
        System.out.println("Consul stand-in listening on " + consul.url()
                + (options.aclToken() != null ? " (ACLs on)" : "")
                + (options.dataDir() != null ? ", data in " + options.dataDir() : ", in memory"));
        stopped.await();
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

    private static int integer(String value, String flag) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a number, not \"" + value + "\"");
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }
}
