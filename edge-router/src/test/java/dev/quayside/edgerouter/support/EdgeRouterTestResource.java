package dev.quayside.edgerouter.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Gives the application under test its own HAProxy (files in a fresh temp dir, the front end on a free 127.0.0.1
 * port) and a short quiet period. The application stops its HAProxy on shutdown; this
 * resource then removes the dir.
 */
public class EdgeRouterTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String HTTP_PORT = "quayside.edge-router.frontend.http-port";

    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("edge-router-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("quayside.edge-router.haproxy.work-dir", dir.toString(),
                HTTP_PORT, String.valueOf(FreePorts.next()),
                "quayside.edge-router.haproxy.hard-stop-after", "5s",
                "quayside.edge-router.wait-period.min", "100ms",
                "quayside.edge-router.wait-period.max", "500ms",
                "quayside.edge-router.instance", "edge-test");
    }

    @Override
    public void stop() {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // left in the temp dir
        }
    }
}
