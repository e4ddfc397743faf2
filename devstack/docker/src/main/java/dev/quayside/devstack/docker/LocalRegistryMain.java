package dev.quayside.devstack.docker;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code bin/quayside devstack registry [--port 5000] [--data-dir .quayside/registry]}: the registry in the foreground. */
public final class LocalRegistryMain {

    private LocalRegistryMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = 5000;
        Path dataDir = Path.of(".quayside", "registry");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--data-dir" -> dataDir = Path.of(args[i + 1]);
                default -> {
                    System.err.println("unknown option " + args[i] + "; usage: --port N --data-dir DIR");
                    System.exit(2);
                }
            }
        }
        LocalRegistry registry = LocalRegistry.start(port, dataDir.toAbsolutePath());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            registry.close();
            stopped.countDown();
        }));
        // announced once SIGTERM stops the registry process too (before the hook, it outlived this JVM)
        System.out.println("registry ready on " + registry.address() + " (data in " + registry.storage() + ")");
        stopped.await();
    }
}
