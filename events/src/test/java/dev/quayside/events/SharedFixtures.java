package dev.quayside.events;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The third-party fixtures in {@code ../shared/fixtures} (present in CI); tests that need them skip, saying why, elsewhere. */
final class SharedFixtures {

    private SharedFixtures() {
    }

    static Path require(String relative) {
        String shared = System.getProperty("quayside.shared.dir", "../shared");
        Path path = Path.of(shared, "fixtures", relative).toAbsolutePath().normalize();
        assumeTrue(Files.exists(path), "skipped: third-party fixtures not found at " + path
                + " (../shared is beside the checkout in CI; set -Dquayside.shared.dir to run this here)");
        return path;
    }
}
