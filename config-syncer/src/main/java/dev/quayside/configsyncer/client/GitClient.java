package dev.quayside.configsyncer.client;

import dev.quayside.configsyncer.config.ConfigSyncerConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The config repositories' bare local copies, one {@link GitWorkspace} per configured repository. */
@ApplicationScoped
public class GitClient {

    private final Path workDir;
    private final Map<String, GitWorkspace> workspaces = new ConcurrentHashMap<>();

    @Inject
    public GitClient(ConfigSyncerConfig config) {
        this(Path.of(config.workDir()));
    }

    public GitClient(Path workDir) {
        this.workDir = workDir;
        // bare repositories need no racy-clean checks: never block on measuring the file system
        org.eclipse.jgit.util.FS.FileStoreAttributes.setBackground(true);
    }

    /**
     * The bare copy of source (application) repository {@code name}, kept in {@code <work-dir>/sources/}, apart from
     * the config repositories.
     */
    public GitWorkspace source(String name, String url, String username, String password) {
        return workspace("sources/" + name, url, username, password);
    }

    /** The workspace of repository {@code name} cloned from {@code url}, created on first use. */
    public GitWorkspace workspace(String name, String url, String username, String password) {
        return workspaces.computeIfAbsent(name, n -> {
            try {
                Path dir = workDir.resolve(n + ".git");
                Files.createDirectories(dir.getParent());
                return new GitWorkspace(n, url, dir, username, password);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @PreDestroy
    void close() {
        workspaces.values().forEach(GitWorkspace::close);
    }
}
