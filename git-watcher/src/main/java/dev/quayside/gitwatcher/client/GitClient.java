package dev.quayside.gitwatcher.client;

import dev.quayside.events.CommitPushed.Commit;
import dev.quayside.events.Person;
import dev.quayside.gitkit.PackHousekeeping;
import dev.quayside.gitkit.SshSessions;
import dev.quayside.gitwatcher.config.GitWatcherConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.LsRemoteCommand;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.util.io.DisabledOutputStream;

/**
 * JGit access to watched repositories, always by their configured clone URL: {@code ls-remote} for polling, and a
 * fetch into a local bare cache to list the commits of {@code before..after} and to tell whether one commit is an
 * ancestor of another (only when the cache lacks a commit).
 * Errors never carry the remote's credentials. Metrics: {@code quayside.git-watcher.git{operation, repository}}.
 */
@ApplicationScoped
public class GitClient {

    private static final int TIMEOUT_SECONDS = 30;

    private final GitWatcherConfig config;
    private final MeterRegistry registry;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public GitClient(GitWatcherConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    private Timer timer(String operation, GitRemote remote) {
        return registry.timer("quayside.git-watcher.git", "operation", operation, "repository", remote.name());
    }

    /** The remote's branches and tags, full ref name → object id. */
    public Map<String, String> lsRemote(GitRemote remote) {
        return timer("ls-remote", remote).record(() -> {
            try {
                LsRemoteCommand command = Git.lsRemoteRepository().setRemote(remote.url()).setHeads(true)
                        .setTags(true);
                authenticate(command, remote);
                Map<String, String> refs = new TreeMap<>();
                for (Ref ref : command.call()) {
                    if (!ref.getName().endsWith("^{}") && ref.getObjectId() != null) {
                        refs.put(ref.getName(), ref.getObjectId().name());
                    }
                }
                return refs;
            } catch (GitAPIException | RuntimeException e) {
                throw failed("ls-remote", remote, e);
            }
        });
    }

    /**
     * The commits {@code ref} gained from {@code before} to {@code after}, oldest first, at most {@code max} (the
     * newest). A created branch lists the commits no other branch has; a tag lists none.
     */
    public List<Commit> commits(GitRemote remote, String ref, String before, String after, int max) {
        if (ref.startsWith(Constants.R_TAGS)) {
            return List.of();
        }
        synchronized (locks.computeIfAbsent(remote.name(), n -> new Object())) {
            try (Git git = cache(remote.name())) {
                Repository local = git.getRepository();
                if (!has(local, after)) {
                    fetch(git, remote);
                }
                if (!has(local, after)) {
                    throw new GitException("commit " + after + " of " + remote.name() + " is not on its remote");
                }
                return walk(local, ref, before, after, max);
            } catch (IOException | GitAPIException | RuntimeException e) {
                throw e instanceof GitException known ? known : failed("fetch", remote, e);
            }
        }
    }

    /**
     * Whether {@code commit} lies in the range {@code (before, head]} of a push, from the local cache: it is
     * {@code head} or an ancestor of it, and not {@code before} nor an ancestor of it (a {@code before} of zeros — a
     * created ref — excludes nothing). The cache holds the whole history of every commit in it, so an ancestor of a
     * cached commit is cached too. When the cache lacks {@code head} it is fetched if {@code fetch} (else: false,
     * nothing shows it); false too when {@code head} is not on the remote either (rewritten history, gone), when the
     * cache lacks {@code before} (nothing shows that {@code commit} is not behind it) or when one is not a commit.
     * Without {@code fetch} and without a cache yet, nothing is touched on disk.
     */
    public boolean inRange(GitRemote remote, String commit, String before, String head, boolean fetch) {
        synchronized (locks.computeIfAbsent(remote.name(), n -> new Object())) {
            if (!fetch && !Files.isDirectory(cacheDir(remote.name()).resolve("objects"))) {
                return false;
            }
            long start = System.nanoTime();
            try (Git git = cache(remote.name())) {
                Repository local = git.getRepository();
                if (!has(local, head)) {
                    if (!fetch) {
                        return false;
                    }
                    fetch(git, remote);
                    if (!has(local, head)) {
                        return false;
                    }
                }
                boolean created = before.chars().allMatch(c -> c == '0');
                if (!has(local, commit) || (!created && !has(local, before))) {
                    return false;
                }
                try (RevWalk walk = new RevWalk(local)) {
                    RevCommit inside = commitOf(walk, commit);
                    RevCommit newest = commitOf(walk, head);
                    if (inside == null || newest == null || !walk.isMergedInto(inside, newest)) {
                        return false;
                    }
                    if (created) {
                        return true;
                    }
                    RevCommit oldest = commitOf(walk, before);
                    walk.reset();
                    return oldest != null && !walk.isMergedInto(inside, oldest);
                }
            } catch (IOException | GitAPIException | RuntimeException e) {
                throw failed("ancestry check", remote, e);
            } finally {
                timer("ancestry", remote).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
        }
    }

    /** The commit {@code sha} names (a tag peeled), or null when it names something else. */
    private static RevCommit commitOf(RevWalk walk, String sha) throws IOException {
        RevObject object = walk.peel(walk.parseAny(ObjectId.fromString(sha)));
        return object instanceof RevCommit commit ? commit : null;
    }

    /** A failure of {@code operation}, its message cleaned of the remote's credentials (and no cause that has them). */
    private static GitException failed(String operation, GitRemote remote, Exception e) {
        return new GitException(operation + " of " + remote.name() + " failed: " + remote.redact(
                SshSessions.refusal(e, remote.url(), remote.knownHosts()).orElseGet(e::getMessage)));
    }

    private Path cacheDir(String name) {
        return config.workDir().resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".git");
    }

    private Git cache(String name) throws IOException, GitAPIException {
        Path dir = cacheDir(name);
        if (Files.isDirectory(dir.resolve("objects"))) {
            return Git.open(dir.toFile());
        }
        Files.createDirectories(dir);
        return Git.init().setBare(true).setDirectory(dir.toFile()).call();
    }

    /** Fetches every branch and tag into the cache (its lock held), then repacks it when it holds too many packs. */
    private void fetch(Git git, GitRemote remote) throws GitAPIException, IOException {
        var command = git.fetch().setRemote(remote.url())
                .setRefSpecs(new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/tags/*:refs/tags/*"))
                .setRemoveDeletedRefs(true);
        authenticate(command, remote);
        long start = System.nanoTime();
        try {
            command.call();
        } finally {
            timer("fetch", remote).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        PackHousekeeping.afterFetch(git.getRepository());
    }

    private static boolean has(Repository repository, String sha) throws IOException {
        return repository.getObjectDatabase().has(ObjectId.fromString(sha));
    }

    private static List<Commit> walk(Repository repository, String ref, String before, String after, int max)
            throws IOException {
        try (RevWalk walk = new RevWalk(repository)) {
            RevObject head = walk.peel(walk.parseAny(ObjectId.fromString(after)));
            if (!(head instanceof RevCommit)) {
                return List.of();
            }
            walk.markStart((RevCommit) head);
            if (!isZero(before) && has(repository, before)) {
                RevObject old = walk.peel(walk.parseAny(ObjectId.fromString(before)));
                if (old instanceof RevCommit) {
                    walk.markUninteresting((RevCommit) old);
                }
            } else if (isZero(before)) {
                for (Ref other : repository.getRefDatabase().getRefsByPrefix(Constants.R_HEADS)) {
                    if (!other.getName().equals(ref) && other.getObjectId() != null) {
                        try {
                            walk.markUninteresting(walk.parseCommit(other.getObjectId()));
                        } catch (MissingObjectException | org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
                            // not a commit: nothing to exclude
                        }
                    }
                }
            }
            List<Commit> commits = new ArrayList<>();
            try (DiffFormatter diff = new DiffFormatter(DisabledOutputStream.INSTANCE)) {
                diff.setRepository(repository);
                for (RevCommit commit : walk) {
                    if (commits.size() >= max) {
                        break;
                    }
                    commits.add(toCommit(repository, diff, walk, commit));
                }
            }
            Collections.reverse(commits);
            return commits;
        }
    }

    private static Commit toCommit(Repository repository, DiffFormatter diff, RevWalk walk, RevCommit commit)
            throws IOException {
        List<String> added = new ArrayList<>();
        List<String> modified = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        CanonicalTreeParser newTree = new CanonicalTreeParser();
        try (var reader = repository.newObjectReader()) {
            newTree.reset(reader, commit.getTree());
            List<DiffEntry> entries;
            if (commit.getParentCount() == 0) {
                entries = diff.scan(new EmptyTreeIterator(), newTree);
            } else {
                RevCommit parent = walk.parseCommit(commit.getParent(0));
                CanonicalTreeParser oldTree = new CanonicalTreeParser();
                oldTree.reset(reader, parent.getTree());
                entries = diff.scan(oldTree, newTree);
            }
            for (DiffEntry entry : entries) {
                switch (entry.getChangeType()) {
                    case ADD:
                    case COPY:
                        added.add(entry.getNewPath());
                        break;
                    case DELETE:
                        removed.add(entry.getOldPath());
                        break;
                    case RENAME:
                        removed.add(entry.getOldPath());
                        added.add(entry.getNewPath());
                        break;
                    default:
                        modified.add(entry.getNewPath());
                }
            }
        }
        PersonIdent author = commit.getAuthorIdent();
        return new Commit(commit.getName(), commit.getFullMessage(),
                new Person(author.getName(), author.getEmailAddress(), null), author.getWhenAsInstant(), added,
                modified, removed);
    }

    private static void authenticate(TransportCommand<?, ?> command, GitRemote remote) {
        command.setTimeout(TIMEOUT_SECONDS);
        if (remote.username().isPresent() || remote.password().isPresent()) {
            command.setCredentialsProvider(new UsernamePasswordCredentialsProvider(remote.username().orElse(""),
                    remote.password().orElse("")));
        }
        command.setTransportConfigCallback(SshSessions.callback(remote.sshKey(), remote.knownHosts()));
    }

    private static boolean isZero(String sha) {
        return sha.chars().allMatch(c -> c == '0');
    }
}
