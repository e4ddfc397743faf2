package dev.quayside.imagebuilder.service;

import dev.quayside.imagebuilder.client.BuildFailedException;
import dev.quayside.imagebuilder.client.GitClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * A clean checkout of one commit for one build, under {@code <work-dir>/builds}: checks that the settings' context is
 * a folder and their Dockerfile a file inside it, and is deleted when closed.
 */
final class BuildWorkspace implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BuildRunner.class);

    private final Path root;
    private Path context;
    private Path dockerfile;

    private BuildWorkspace(Path root) {
        this.root = root;
    }

    /**
     * Checks {@code commit} of {@code repository} out into a new folder under {@code workDir} and resolves the
     * settings' context and Dockerfile in it.
     *
     * @throws BuildFailedException when the context is no folder or the Dockerfile is not a file inside it
     */
    static BuildWorkspace checkout(GitClient git, Path workDir, String buildId, String repository, String commit,
            BuildSettings settings, BuildLog log) throws IOException {
        BuildWorkspace workspace = new BuildWorkspace(Files.createDirectories(workDir.resolve("builds"))
                .resolve(GitClient.safeName(buildId) + "-" + System.nanoTime()));
        boolean ready = false;
        try {
            git.checkout(repository, commit, workspace.root, log);
            workspace.context = workspace.root.resolve(settings.context()).normalize();
            workspace.dockerfile = workspace.context.resolve(settings.dockerfile()).normalize();
            if (!Files.isDirectory(workspace.context)) {
                throw new BuildFailedException("build context '" + settings.context() + "' is not a folder at "
                        + commit);
            }
            if (!workspace.dockerfile.startsWith(workspace.context) || !Files.isRegularFile(workspace.dockerfile)) {
                throw new BuildFailedException("Dockerfile '" + settings.dockerfile() + "' not found in context '"
                        + settings.context() + "' at " + commit);
            }
            ready = true;
            return workspace;
        } finally {
            if (!ready) {
                workspace.close();
            }
        }
    }

    /** The build context folder. */
    Path context() {
        return context;
    }

    /** The Dockerfile, inside {@link #context()}. */
    Path dockerfile() {
        return dockerfile;
    }

    /** Deletes the checkout; a failure is logged, never thrown. */
    @Override
    public void close() {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warnf("could not delete the build context %s: %s", root, e.getMessage());
        }
    }
}
