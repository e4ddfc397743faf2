package dev.quayside.imagebuilder.client;

import dev.quayside.imagebuilder.config.BuilderConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Git through JGit: one bare cache repository per app repository under {@code <work-dir>/git}, fetched
 * incrementally; commits are read from it and written out as clean build contexts.
 */
@ApplicationScoped
public class GitClient {

    private final Path cacheRoot;
    private final Backoff backoff;
    private final Timer fetchTimer;
    private final ConcurrentMap<String, Object> locks = new ConcurrentHashMap<>();

    GitClient(BuilderConfig config, Backoff backoff, MeterRegistry meters) {
        this.cacheRoot = config.workDir().resolve("git");
        this.backoff = backoff;
        this.fetchTimer = Timer.builder("quayside.image-builder.git.fetch").description("Git fetches into the cache")
                .register(meters);
    }

    /**
     * Makes sure {@code commit} is in the repository's cache: nothing to do when it already is (a redelivery), else an
     * incremental fetch of {@code branch} (then of every branch) from {@code cloneUrl}.
     *
     * @throws BuildFailedException    when the remote does not have the commit
     * @throws InfrastructureException when the remote stays unreachable after the retries
     */
    public void ensureCommit(String repository, String cloneUrl, String branch, String commit, Consumer<String> log) {
        synchronized (lock(repository)) {
            try (Repository repo = open(repository)) {
                if (has(repo, commit)) {
                    log.accept("commit " + commit + " already in the cache of " + repository);
                    return;
                }
                backoff.call("git fetch " + redact(cloneUrl), log, () -> {
                    fetch(repo, cloneUrl, "+refs/heads/" + branch + ":refs/heads/" + branch);
                    return null;
                });
                if (!has(repo, commit)) {
                    backoff.call("git fetch " + redact(cloneUrl), log, () -> {
                        fetch(repo, cloneUrl, "+refs/heads/*:refs/heads/*");
                        return null;
                    });
                }
                if (!has(repo, commit)) {
                    throw new BuildFailedException("commit " + commit + " is not on " + redact(cloneUrl)
                            + " (branch " + branch + " no longer contains it, or it was never pushed)");
                }
                log.accept("fetched " + commit + " from " + redact(cloneUrl));
            }
        }
    }

    /** The content of {@code path} at {@code commit}, or empty when the commit has no such file. */
    public Optional<String> readFile(String repository, String commit, String path) {
        synchronized (lock(repository)) {
            try (Repository repo = open(repository); RevWalk walk = new RevWalk(repo)) {
                RevCommit rev = walk.parseCommit(ObjectId.fromString(commit));
                try (TreeWalk tree = TreeWalk.forPath(repo, path, rev.getTree())) {
                    if (tree == null || (tree.getFileMode(0).getObjectType() != org.eclipse.jgit.lib.Constants.OBJ_BLOB)) {
                        return Optional.empty();
                    }
                    byte[] bytes = repo.open(tree.getObjectId(0)).getBytes();
                    return Optional.of(new String(bytes, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + path + " at " + commit + " of " + repository, e);
            }
        }
    }

    /**
     * Writes the tree of {@code commit} into the empty folder {@code target}: regular and executable files and
     * symbolic links; submodules are skipped (reported to {@code log}). Links are made after every file is written (so
     * no write goes through one), and every link must stay inside {@code target}, written as it is and followed
     * through any other link: a build reads the commit's own files and nothing of the build host.
     *
     * @throws BuildFailedException naming the first link that points outside, or a path that escapes
     */
    public void checkout(String repository, String commit, Path target, Consumer<String> log) {
        synchronized (lock(repository)) {
            try (Repository repo = open(repository); RevWalk walk = new RevWalk(repo);
                    TreeWalk tree = new TreeWalk(repo); ObjectReader reader = repo.newObjectReader()) {
                Files.createDirectories(target);
                Path root = target.toAbsolutePath().normalize();
                tree.addTree(walk.parseCommit(ObjectId.fromString(commit)).getTree());
                tree.setRecursive(true);
                Map<Path, String> links = new LinkedHashMap<>();
                int files = 0;
                while (tree.next()) {
                    Path file = root.resolve(tree.getPathString()).normalize();
                    if (!file.startsWith(root) || file.equals(root)) {
                        throw new BuildFailedException("path escapes the checkout: " + tree.getPathString());
                    }
                    FileMode mode = tree.getFileMode(0);
                    if (mode == FileMode.GITLINK) {
                        log.accept("skipping submodule " + tree.getPathString());
                        continue;
                    }
                    byte[] content = reader.open(tree.getObjectId(0)).getBytes();
                    if (mode == FileMode.SYMLINK) {
                        links.put(file, new String(content, StandardCharsets.UTF_8));
                    } else {
                        Files.createDirectories(file.getParent());
                        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW,
                                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                            out.write(content);
                        }
                        if (mode == FileMode.EXECUTABLE_FILE) {
                            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
                        }
                    }
                    files++;
                }
                for (Map.Entry<Path, String> link : links.entrySet()) {
                    Files.createDirectories(link.getKey().getParent());
                    Files.createSymbolicLink(link.getKey(), Path.of(link.getValue()));
                }
                for (Map.Entry<Path, String> link : links.entrySet()) {
                    requireInside(root, link.getKey(), link.getValue());
                }
                log.accept("checked out " + files + " files of " + commit
                        + (links.isEmpty() ? "" : " (" + links.size() + " symbolic links, all inside the repository)"));
            } catch (FileAlreadyExistsException e) {
                throw new BuildFailedException("the tree of " + commit + " names " + e.getFile() + " twice", e);
            } catch (IOException e) {
                throw new UncheckedIOException("checking out " + commit + " of " + repository, e);
            }
        }
    }

    /** Throws when the link {@code link -> written} leads outside {@code root}, as written or once followed. */
    private static void requireInside(Path root, Path link, String written) throws IOException {
        Path as = Path.of(written);
        boolean inside = !as.isAbsolute() && link.getParent().resolve(as).normalize().startsWith(root);
        if (inside && Files.exists(link)) { // follows every link on the way, as a reader of the file would
            inside = link.toRealPath().startsWith(root.toRealPath());
        }
        if (!inside) {
            throw new BuildFailedException("symbolic link " + root.relativize(link) + " -> " + written
                    + " points outside the repository: a build may only read the commit's own files");
        }
    }

    /** {@code url} without user information (never log or label a password). */
    public static String redact(String url) {
        return url == null ? null : url.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1");
    }

    private void fetch(Repository repo, String cloneUrl, String refSpec) {
        Timer.Sample sample = Timer.start();
        try (Git git = new Git(repo)) {
            git.fetch().setRemote(cloneUrl).setRefSpecs(new RefSpec(refSpec)).setTimeout(60).call();
        } catch (InvalidRemoteException e) {
            throw new InfrastructureException("no Git repository at " + redact(cloneUrl) + ": " + e.getMessage(), e);
        } catch (TransportException e) {
            if (e.getMessage() != null && e.getMessage().contains("Remote does not have")) {
                return; // the branch is gone: the caller falls back to every branch
            }
            throw new InfrastructureException("Git remote " + redact(cloneUrl) + " failed: " + e.getMessage(), e);
        } catch (GitAPIException e) {
            throw new InfrastructureException("git fetch from " + redact(cloneUrl) + " failed: " + e.getMessage(), e);
        } finally {
            sample.stop(fetchTimer);
        }
    }

    private static boolean has(Repository repo, String commit) {
        try (RevWalk walk = new RevWalk(repo)) {
            walk.parseCommit(ObjectId.fromString(commit));
            return true;
        } catch (MissingObjectException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Repository open(String repository) {
        Path dir = cacheRoot.resolve(safeName(repository) + ".git");
        try {
            Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
            if (!repo.getObjectDatabase().exists()) {
                repo.create(true);
            }
            return repo;
        } catch (IOException e) {
            throw new UncheckedIOException("opening the Git cache " + dir, e);
        }
    }

    private Object lock(String repository) {
        return locks.computeIfAbsent(repository, r -> new Object());
    }

    public static String safeName(String repository) {
        return repository.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
