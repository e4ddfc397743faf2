package dev.quayside.devstack.common;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * The shape every {@code bin/quayside devstack <part>} command shares: {@code --help}; {@code --flag value} arguments
 * with clear errors (exit 2 with the usage); a part that cannot start says why (exit 1); then the part runs in the
 * foreground until SIGINT or SIGTERM.
 */
public final class StandInCommand {

    /** A started part: what to print once it runs, and how to stop it. */
    public interface Running {
        String banner();

        void stop();

        static Running of(String banner, Runnable stop) {
            return new Running() {
                @Override
                public String banner() {
                    return banner;
                }

                @Override
                public void stop() {
                    stop.run();
                }
            };
        }
    }

    private StandInCommand() {
    }

    /**
     * Runs part {@code name}: {@code parse} turns the arguments into options (an IllegalArgumentException is a bad
     * command line), {@code start} starts the part (an IllegalStateException is a part that cannot start).
     */
    public static <O> void run(String name, String usage, String[] args, Function<String[], O> parse,
            Function<O, Running> start) throws InterruptedException {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(usage);
            return;
        }
        O options;
        try {
            options = parse.apply(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(usage);
            System.exit(2);
            return;
        }
        Running running;
        try {
            running = start.apply(options);
        } catch (IllegalStateException e) {
            System.err.println("quayside devstack " + name + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.stop();
            stopped.countDown();
        }, name + "-shutdown"));
        System.out.println(running.banner());
        stopped.await();
    }

    /** The value after {@code flag} (at {@code i}), or an IllegalArgumentException naming the flag. */
    public static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    /** {@code value} as a number, or an IllegalArgumentException naming the flag. */
    public static int integer(String value, String flag) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a number, not \"" + value + "\"");
        }
    }
}
