package dev.quayside.gitwatcher.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The real webhook samples in {@code ../shared/fixtures/webhooks}; tests skip, saying why, when they are absent. */
public final class Fixtures {

    private Fixtures() {
    }

    public static Path webhooks() {
        String shared = System.getProperty("quayside.shared.dir");
        Path dir = shared == null ? null : Path.of(shared, "fixtures", "webhooks");
        assumeTrue(dir != null && Files.isDirectory(dir),
                "../shared/fixtures not found: " + dir + " (system property quayside.shared.dir)");
        return dir;
    }

    public static byte[] webhook(String relative) {
        try {
            return Files.readAllBytes(webhooks().resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
