package dev.quayside.configsyncer.client;

import dev.quayside.configsyncer.config.ConfigSyncerConfig;
import dev.quayside.gitkit.SshSessions;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The config repositories' bare local copies, one {@link GitWorkspace} per configured repository, each reaching its
 * remote over SSH with the key and known_hosts configured for it ({@code ssh-key}, {@code known-hosts}: the
 * repository's or source's own, else the service-wide ones, else {@code ~/.ssh}'s).
 */
@Startup
@ApplicationScoped
public class GitClient {

    private final Path workDir;
    private final SshFiles ssh;
    private final Map<String, SshFiles> repositorySsh;
    private final Map<String, SshFiles> sourceSsh;
    private final Map<String, GitWorkspace> workspaces = new ConcurrentHashMap<>();

    /**
     * The SSH files of one remote.
     *
     * @param key        private key (absent: the identities in {@code ~/.ssh})
     * @param knownHosts known_hosts (absent: {@code ~/.ssh/known_hosts}); a host key not in it is refused
     */
    public record SshFiles(Optional<Path> key, Optional<Path> knownHosts) {

        /** {@code ~/.ssh}'s identities and known_hosts. */
        public static final SshFiles HOME = new SshFiles(Optional.empty(), Optional.empty());

        /** These files, each unset one taken from {@code fallback}. */
        SshFiles or(SshFiles fallback) {
            return new SshFiles(key.or(fallback::key), knownHosts.or(fallback::knownHosts));
        }
    }

    /**
     * @throws IllegalArgumentException naming every configured {@code ssh-key} and {@code known-hosts} that is not a
     *                                  readable file (checked at start: the bean is {@link Startup})
     */
    @Inject
    public GitClient(ConfigSyncerConfig config) {
        String prefix = "quayside.config-syncer.";
        List<String> problems = new ArrayList<>();
        SshSessions.unreadable(config.sshKey(), prefix + "ssh-key").ifPresent(problems::add);
        SshSessions.unreadable(config.knownHosts(), prefix + "known-hosts").ifPresent(problems::add);
        this.workDir = Path.of(config.workDir());
        this.ssh = new SshFiles(config.sshKey(), config.knownHosts());
        this.repositorySsh = new HashMap<>();
        config.repositories().forEach((name, r) -> repositorySsh.put(name,
                files(r.sshKey(), r.knownHosts(), prefix + "repositories." + name + ".", problems).or(ssh)));
        this.sourceSsh = new HashMap<>();
        config.sources().forEach((name, r) -> sourceSsh.put(name,
                files(r.sshKey(), r.knownHosts(), prefix + "sources." + name + ".", problems).or(ssh)));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        init();
    }

    private static SshFiles files(Optional<Path> key, Optional<Path> knownHosts, String prefix, List<String> problems) {
        SshSessions.unreadable(key, prefix + "ssh-key").ifPresent(problems::add);
        SshSessions.unreadable(knownHosts, prefix + "known-hosts").ifPresent(problems::add);
        return new SshFiles(key, knownHosts);
    }

    /** Workspaces in {@code workDir} that reach SSH remotes with {@code ~/.ssh}'s files (tests, tools). */
    public GitClient(Path workDir) {
        this.workDir = workDir;
        this.ssh = SshFiles.HOME;
        this.repositorySsh = Map.of();
        this.sourceSsh = Map.of();
        init();
    }

    private static void init() {
        // bare repositories need no racy-clean checks: never block on measuring the file system
        org.eclipse.jgit.util.FS.FileStoreAttributes.setBackground(true);
    }

    /**
     * The bare copy of source (application) repository {@code name}, kept in {@code <work-dir>/sources/}, apart from
     * the config repositories.
     */
    public GitWorkspace source(String name, String url, String username, String password) {
        return workspace("sources/" + name, url, username, password, sourceSsh.getOrDefault(name, ssh));
    }

    /** The workspace of config repository {@code name} cloned from {@code url}, created on first use. */
    public GitWorkspace workspace(String name, String url, String username, String password) {
        return workspace(name, url, username, password, repositorySsh.getOrDefault(name, ssh));
    }

    private GitWorkspace workspace(String name, String url, String username, String password, SshFiles files) {
        return workspaces.computeIfAbsent(name, n -> {
            try {
                Path dir = workDir.resolve(n + ".git");
                Files.createDirectories(dir.getParent());
                return new GitWorkspace(n, url, dir, username, password, files);
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
