package dev.quayside.devstack.consul;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the stand-in in the foreground on 127.0.0.1 ({@code bin/quayside devstack consul}):
 * {@code [--port 8500] [--acl-token T] [--data-dir D] [--txn-op-limit 64]}. Stops on SIGINT/SIGTERM.
 */
public final class ConsulStandInMain {

    private ConsulStandInMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        ConsulStandIn.Options options = ConsulStandIn.Options.defaults().port(8500);
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--port":
                        options.port(Integer.parseInt(value(args, ++i, arg)));
                        break;
                    case "--acl-token":
                        options.aclToken(value(args, ++i, arg));
                        break;
                    case "--data-dir":
                        options.dataDir(Path.of(value(args, ++i, arg)));
                        break;
                    case "--txn-op-limit":
                        options.txnOpLimit(Integer.parseInt(value(args, ++i, arg)));
                        break;
                    case "-h":
                    case "--help":
                        System.out.println(usage());
                        return;
                    default:
                        throw new IllegalArgumentException("unknown argument: " + arg);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(usage());
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

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static String usage() {
        return "usage: consul-standin [--port 8500] [--acl-token TOKEN] [--data-dir DIR] [--txn-op-limit 64]";
    }
}
