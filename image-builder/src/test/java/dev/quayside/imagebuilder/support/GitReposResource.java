package dev.quayside.imagebuilder.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A folder of bare app repositories ({@link Commits} creates them there) that image-builder fetches from through
 * {@code quayside.builder.clone-url-template} = {@code <folder>/{repository}.git}, with local remotes allowed as in a
 * local run: the events' own clone URLs are never fetched.
 */
public class GitReposResource implements QuarkusTestResourceLifecycleManager {

    private static volatile Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("image-builder-repos-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("quayside.builder.clone-url-template", dir.resolve("{repository}.git").toString(),
                "quayside.builder.allow-local-remotes", "true");
    }

    @Override
    public void stop() {
        // the repositories stay for a look after a failed run, in the temporary folder
    }

    /** Where the repositories of the running test class live. */
    public static Path dir() {
        if (dir == null) {
            throw new IllegalStateException("the Git repositories test resource has not started");
        }
        return dir;
    }
}
