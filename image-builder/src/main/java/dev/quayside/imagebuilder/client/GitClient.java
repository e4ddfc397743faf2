package dev.quayside.imagebuilder.client;

import dev.quayside.gitkit.PackHousekeeping;
import dev.quayside.gitkit.SshSessions;
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
import java.util.regex.Pattern;
import org.eclipse.jgit.api.FetchCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Git through JGit: one bare cache repository per app repository under {@code <work-dir>/git}, fetched
 * incrementally; commits are read from it and written out as clean build contexts.
 */
@ApplicationScoped
public class GitClient {

    private static final Pattern USER_INFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s]*@");

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
     * A remote to fetch from, from image-builder's configuration (never from an event).
     *
     * @param url        the clone URL; credentials in it never leave this class (see {@link #redact})
     * @param sshKey     private key for SSH URLs (else the user's {@code ~/.ssh} identities)
     * @param knownHosts known_hosts for SSH URLs (else {@code ~/.ssh/known_hosts})
     */
    public record Remote(String url, Optional<Path> sshKey, Optional<Path> knownHosts) {

        /** The URL without user information, for logs, labels and events. */
        public String redacted() {
            return redact(url);
        }

        @Override
        public String toString() {
            return redacted();
        }
    }

    /**
     * Makes sure {@code commit} is in the repository's cache: nothing to do when it already is (a redelivery), else an
     * incremental fetch of {@code ref} (a branch or a tag; then of every branch and tag) from {@code remote}.
     *
     * @throws BuildFailedException    when the remote does not have the commit
     * @throws InfrastructureException when the remote stays unreachable after the retries
     */
    public void ensureCommit(String repository, Remote remote, String ref, String commit, Consumer<String> log) {
        synchronized (lock(repository)) {
            try (Repository repo = open(repository)) {
                if (has(repo, commit)) {
                    log.accept("commit " + commit + " already in the cache of " + repository);
                    return;
                }
                backoff.call("git fetch " + remote.redacted(), log, () -> {
                    fetch(repo, remote, "+" + ref + ":" + ref);
                    return null;
                });
                if (!has(repo, commit)) {
                    backoff.call("git fetch " + remote.redacted(), log, () -> {
                        fetch(repo, remote, "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*");
                        return null;
                    });
                }
                if (!has(repo, commit)) {
                    throw new BuildFailedException("commit " + commit + " is not on " + remote.redacted()
                            + " (" + ref + " no longer contains it, or it was never pushed)");
                }
                log.accept("fetched " + commit + " from " + remote.redacted());
            }
        }
    }

    /** The commit {@code id} names in the cache: itself, or the commit an annotated tag points to. */
    public String commitOf(String repository, String id) {
        synchronized (lock(repository)) {
            try (Repository repo = open(repository); RevWalk walk = new RevWalk(repo)) {
                return walk.parseCommit(ObjectId.fromString(id)).name();
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + id + " of " + repository, e);
            }
        }
    }

    /**
     * True when {@code descendant} is {@code ancestor} or descends from it; false when either is not in the cache
     * or is not a commit.
     */
    public boolean isAncestor(String repository, String ancestor, String descendant) {
        synchronized (lock(repository)) {
            try (Repository repo = open(repository); RevWalk walk = new RevWalk(repo)) {
                return walk.isMergedInto(walk.parseCommit(ObjectId.fromString(ancestor)),
                        walk.parseCommit(ObjectId.fromString(descendant)));
            } catch (MissingObjectException | IncorrectObjectTypeException | IllegalArgumentException e) {
                return false;
            } catch (IOException e) {
                throw new UncheckedIOException("comparing " + ancestor + " and " + descendant + " of " + repository, e);
            }
        }
    }

    /** The commit last announced for {@code ref} (kept in the cache, so a restart still knows it), if any. */
    public Optional<String> announced(String repository, String ref) {
        synchronized (lock(repository)) {
            try (Repository repo = open(repository)) {
                Ref announced = repo.exactRef(announcedRef(ref));
                return announced == null ? Optional.empty() : Optional.of(announced.getObjectId().name());
            } catch (IOException e) {
                throw new UncheckedIOException("reading the announced commit of " + ref + " of " + repository, e);
            }
        }
    }

    /** Records that {@code commit} was announced for {@code ref}. */
    public void recordAnnounced(String repository, String ref, String commit) {
        synchronized (lock(repository)) {
            try (Repository repo = open(repository)) {
                RefUpdate update = repo.updateRef(announcedRef(ref));
                update.setNewObjectId(ObjectId.fromString(commit));
                update.setForceUpdate(true);
                RefUpdate.Result result = update.update();
                if (result != RefUpdate.Result.NEW && result != RefUpdate.Result.FORCED
                        && result != RefUpdate.Result.NO_CHANGE && result != RefUpdate.Result.FAST_FORWARD) {
                    throw new UncheckedIOException(new IOException("could not record " + commit + " as announced for "
                            + ref + " of " + repository + ": " + result));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("recording the announced commit of " + ref + " of " + repository, e);
            }
        }
    }

    /** {@code refs/quayside/announced/heads/main} for {@code refs/heads/main}. */
    private static String announcedRef(String ref) {
        return "refs/quayside/announced/" + ref.substring("refs/".length());
    }

    /**
     * The content of {@code path} at {@code commit}, or empty when the commit has no such file.
     *
     * @throws BuildFailedException when the file is larger than {@code maxBytes}
     */
    public Optional<String> readFile(String repository, String commit, String path, int maxBytes) {
        synchronized (lock(repository)) {
            try (Repository repo = open(repository); RevWalk walk = new RevWalk(repo)) {
                RevCommit rev = walk.parseCommit(ObjectId.fromString(commit));
                try (TreeWalk tree = TreeWalk.forPath(repo, path, rev.getTree())) {
                    if (tree == null || (tree.getFileMode(0).getObjectType() != org.eclipse.jgit.lib.Constants.OBJ_BLOB)) {
                        return Optional.empty();
                    }
                    ObjectLoader loader = repo.open(tree.getObjectId(0));
                    if (loader.getSize() > maxBytes) {
                        throw new BuildFailedException(path + " is larger than " + maxBytes + " bytes at " + commit);
                    }
                    return Optional.of(new String(loader.getBytes(), StandardCharsets.UTF_8));
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

    /**
     * {@code text} with the user information of every URL in it removed ({@code https://user:token@host/x} becomes
     * {@code https://host/x}): never log, label or announce a credential.
     */
    public static String redact(String text) {
        return text == null ? null : USER_INFO.matcher(text).replaceAll("$1");
    }

    private void fetch(Repository repo, Remote remote, String... refSpecs) {
        Timer.Sample sample = Timer.start();
        try (Git git = new Git(repo)) {
            FetchCommand fetch = git.fetch().setRemote(remote.url()).setRefSpecs(refSpecs).setTimeout(60);
            fetch.setTransportConfigCallback(SshSessions.callback(remote.sshKey(), remote.knownHosts()));
            fetch.call();
            PackHousekeeping.afterFetch(repo); // the caller holds the repository's lock
        } catch (IOException e) {
            throw new InfrastructureException("repacking the copy of " + remote.redacted() + " failed: " + reason(e));
        } catch (InvalidRemoteException e) {
            throw new InfrastructureException("no Git repository at " + remote.redacted() + ": " + reason(e));
        } catch (TransportException e) {
            if (e.getMessage() != null && e.getMessage().contains("Remote does not have")) {
                return; // the ref is gone: the caller falls back to every branch and tag
            }
            throw new InfrastructureException("Git remote " + remote.redacted() + " failed: " + reason(e, remote));
        } catch (GitAPIException | JGitInternalException e) {
            throw new InfrastructureException("git fetch from " + remote.redacted() + " failed: " + reason(e, remote));
        } finally {
            sample.stop(fetchTimer);
        }
    }

    /** Why fetching from {@code remote} failed: a refused SSH host key in words, else {@link #reason(Exception)}. */
    private static String reason(Exception e, Remote remote) {
        return SshSessions.refusal(e, remote.url(), remote.knownHosts()).map(GitClient::redact)
                .orElseGet(() -> reason(e));
    }

    /**
     * The message of a JGit failure and its causes, redacted: the exception itself is not kept as a cause, since its
     * message may hold the URL with its credentials and would be logged with the stack trace.
     */
    private static String reason(Exception e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
                text.append(": ").append(cause.getMessage());
            }
        }
        return redact(text.toString());
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
