package dev.quayside.configsyncer.client;

import dev.quayside.gitkit.PackHousekeeping;
import dev.quayside.gitkit.SshSessions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.AbbreviatedObjectId;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * A bare local copy of one config repository: fetch, read trees and blobs, diff, and write a commit without a working
 * tree, then push it without ever forcing. Callers hold {@link #lock()} around a fetch-edit-push sequence (and every
 * fetch: a fetch that leaves too many packs repacks the copy, see {@link PackHousekeeping}). Every remote
 * operation (fetch, ls-remote, push) reaches an SSH remote through {@link SshSessions} with the repository's key and
 * known_hosts; a host key not in that known_hosts is refused, and the {@link GitException} says so.
 */
public final class GitWorkspace implements AutoCloseable {

    /** How a push ended. */
    public enum PushOutcome {
        PUSHED,
        /** The remote branch moved (non-fast-forward): fetch, re-apply, push again. */
        REJECTED
    }

    private final String name;
    private final String url;
    private final Repository repository;
    private final Git git;
    private final CredentialsProvider credentials;
    private final GitClient.SshFiles sshFiles;
    private final TransportConfigCallback ssh;
    private final ReentrantLock lock = new ReentrantLock();

    GitWorkspace(String name, String url, Path dir, String username, String password, GitClient.SshFiles sshFiles)
            throws IOException {
        this.name = name;
        this.url = url;
        try {
            if (dir.resolve("HEAD").toFile().exists()) {
                this.git = Git.open(dir.toFile());
            } else {
                this.git = Git.init().setBare(true).setDirectory(dir.toFile()).setInitialBranch("main").call();
            }
        } catch (GitAPIException e) {
            throw new IOException("cannot create workspace for " + name + " in " + dir + ": " + e.getMessage(), e);
        }
        this.repository = git.getRepository();
        this.credentials = username == null ? null : new UsernamePasswordCredentialsProvider(username,
                password == null ? "" : password);
        this.sshFiles = sshFiles;
        this.ssh = SshSessions.callback(sshFiles.key(), sshFiles.knownHosts());
    }

    public String name() {
        return name;
    }

    public ReentrantLock lock() {
        return lock;
    }

    /** Fetches {@code branch} and returns its commit, or null when the remote has no such branch. */
    public ObjectId fetch(String branch) throws GitException {
        try {
            git.fetch().setRemote(url).setCredentialsProvider(credentials).setTransportConfigCallback(ssh)
                    .setRemoveDeletedRefs(true)
                    .setRefSpecs(new RefSpec("+" + Constants.R_HEADS + branch + ":" + trackingRef(branch))).call();
            PackHousekeeping.afterFetch(repository);
            return repository.resolve(trackingRef(branch));
        } catch (GitAPIException | IOException e) {
            throw failed("fetch of " + branch + " from " + name, e);
        }
    }

    /**
     * Fetches every branch and tag of a source repository (branches to {@code refs/remotes/origin/*}, tags as they
     * are), so that the ancestry of two of its commits can be told.
     */
    public void fetchAll() throws GitException {
        try {
            git.fetch().setRemote(url).setCredentialsProvider(credentials).setTransportConfigCallback(ssh)
                    .setRemoveDeletedRefs(true)
                    .setRefSpecs(new RefSpec("+" + Constants.R_HEADS + "*:refs/remotes/origin/*"),
                            new RefSpec("+" + Constants.R_TAGS + "*:" + Constants.R_TAGS + "*")).call();
            PackHousekeeping.afterFetch(repository);
        } catch (GitAPIException | IOException | RuntimeException e) {
            throw failed("fetch of " + name, e);
        }
    }

    /**
     * The commit the fetched {@code ref} ({@code refs/heads/x} or {@code refs/tags/x}) points to after
     * {@link #fetchAll()}, or null when the repository has no such ref.
     */
    public ObjectId fetched(String ref) throws GitException {
        try {
            String local = ref.startsWith(Constants.R_HEADS) ? "refs/remotes/origin/"
                    + ref.substring(Constants.R_HEADS.length()) : ref;
            ObjectId id = repository.resolve(local + "^{commit}");
            return id;
        } catch (IOException | RuntimeException e) {
            throw new GitException("cannot resolve " + ref + " in " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * The commit whose id starts with {@code hex} (4 to 40 hexadecimal digits), or null when no object or more than one
     * has such an id, or it is not a commit.
     */
    public ObjectId resolveCommit(String hex) throws GitException {
        if (hex == null || !hex.matches("[0-9a-fA-F]{4,40}")) {
            return null;
        }
        try (ObjectReader reader = repository.newObjectReader(); RevWalk walk = new RevWalk(reader)) {
            Collection<ObjectId> ids = reader.resolve(AbbreviatedObjectId.fromString(hex.toLowerCase(Locale.ROOT)));
            if (ids.size() != 1) {
                return null;
            }
            ObjectId id = ids.iterator().next();
            return walk.parseAny(id) instanceof RevCommit ? id : null;
        } catch (MissingObjectException e) {
            return null;
        } catch (IOException e) {
            throw new GitException("cannot resolve " + hex + " in " + name + ": " + e.getMessage(), e);
        }
    }

    /** The commit time of {@code commit} (seconds since the epoch). */
    public int commitTime(ObjectId commit) throws GitException {
        try (RevWalk walk = new RevWalk(repository)) {
            return walk.parseCommit(commit).getCommitTime();
        } catch (IOException e) {
            throw new GitException("cannot read " + commit.name() + " of " + name + ": " + e.getMessage(), e);
        }
    }

    /** The remote's commit for {@code branch} (ls-remote), or null; used by the readiness check. */
    public ObjectId lsRemote(String branch) throws GitException {
        try {
            return git.lsRemote().setRemote(url).setCredentialsProvider(credentials).setTransportConfigCallback(ssh)
                    .setHeads(true).call().stream().filter(r -> r.getName().equals(Constants.R_HEADS + branch))
                    .map(r -> r.getObjectId()).findFirst().orElse(null);
        } catch (GitAPIException e) {
            throw failed("ls-remote of " + name, e);
        }
    }

    /** Every file of {@code commit}'s tree (below {@code prefix} when not null), path → blob id, in tree order. */
    public Map<String, ObjectId> files(ObjectId commit, String prefix) throws GitException {
        Map<String, ObjectId> files = new LinkedHashMap<>();
        try (RevWalk walk = new RevWalk(repository); TreeWalk tree = new TreeWalk(repository)) {
            tree.addTree(walk.parseCommit(commit).getTree());
            tree.setRecursive(true);
            if (prefix != null && !prefix.isEmpty()) {
                tree.setFilter(PathFilter.create(prefix));
            }
            while (tree.next()) {
                if (tree.getFileMode(0).getObjectType() == Constants.OBJ_BLOB) {
                    files.put(tree.getPathString(), tree.getObjectId(0));
                }
            }
            return files;
        } catch (IOException e) {
            throw new GitException("cannot list " + commit.name() + " of " + name + ": " + e.getMessage(), e);
        }
    }

    /** The blob at {@code path} in {@code commit}, or null when absent. */
    public byte[] readFile(ObjectId commit, String path) throws GitException {
        try (RevWalk walk = new RevWalk(repository);
                TreeWalk tree = TreeWalk.forPath(repository, path, walk.parseCommit(commit).getTree())) {
            return tree == null ? null : read(tree.getObjectId(0));
        } catch (IOException e) {
            throw new GitException("cannot read " + path + " at " + commit.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The values of trailer {@code key} ({@code Key: value} lines of the message's last paragraph) of the newest commit
     * reachable from {@code head} that changed {@code path}; empty when no commit did or it has no such trailer.
     */
    public List<String> lastTrailerOf(ObjectId head, String path, String key) throws GitException {
        RevCommit last = lastChangeOf(head, path);
        return last == null ? List.of() : last.getFooterLines(key);
    }

    /** The newest commit reachable from {@code head} that changed {@code path}, or null. */
    public RevCommit lastChangeOf(ObjectId head, String path) throws GitException {
        try (Git git = new Git(repository)) {
            for (RevCommit commit : git.log().add(head).addPath(path).setMaxCount(1).call()) {
                return commit;
            }
            return null;
        } catch (IOException | GitAPIException e) {
            throw new GitException("cannot read the history of " + path + " at " + head.name() + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * One commit of a file's history and the trailers of its message ({@code Key: value} lines of the last paragraph,
     * in order; a key may repeat).
     */
    public record Stamped(ObjectId commit, List<Map.Entry<String, String>> trailers) {

        /** The values of trailer {@code key} (case-insensitive, as Git compares trailer keys). */
        public List<String> trailer(String key) {
            return trailers.stream().filter(t -> t.getKey().equalsIgnoreCase(key)).map(Map.Entry::getValue).toList();
        }
    }

    /**
     * The newest {@code max} commits reachable from {@code head} that changed {@code path}, newest first, each with its
     * trailers.
     */
    public List<Stamped> history(ObjectId head, String path, int max) throws GitException {
        try (Git git = new Git(repository)) {
            List<Stamped> commits = new ArrayList<>();
            for (RevCommit commit : git.log().add(head).addPath(path).setMaxCount(max).call()) {
                commits.add(new Stamped(commit.copy(), commit.getFooterLines().stream()
                        .map(f -> Map.entry(f.getKey(), f.getValue())).toList()));
            }
            return commits;
        } catch (IOException | GitAPIException e) {
            throw new GitException("cannot read the history of " + path + " at " + head.name() + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * A batch of blob reads through one {@link ObjectReader}: one pack window cursor and one delta-base cache for the
     * whole batch, where {@link #read(ObjectId)} opens a reader per blob (an initial mirror of 10,000 files reads them
     * several times faster this way). Close it when the batch is read; not for use by two threads at once.
     */
    public Blobs blobs() {
        return new Blobs(repository.newObjectReader());
    }

    /** See {@link #blobs()}. */
    public final class Blobs implements AutoCloseable {
        private final ObjectReader reader;

        private Blobs(ObjectReader reader) {
            this.reader = reader;
        }

        /** The content of {@code blob}. */
        public byte[] read(ObjectId blob) throws GitException {
            try {
                return reader.open(blob, Constants.OBJ_BLOB).getBytes();
            } catch (IOException e) {
                throw new GitException("cannot read blob " + blob.name() + " of " + name + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            reader.close();
        }
    }

    public byte[] read(ObjectId blob) throws GitException {
        try {
            return repository.open(blob, Constants.OBJ_BLOB).getBytes();
        } catch (IOException e) {
            throw new GitException("cannot read blob " + blob.name() + " of " + name + ": " + e.getMessage(), e);
        }
    }

    public boolean has(ObjectId commit) {
        try {
            return repository.getObjectDatabase().has(commit);
        } catch (IOException e) {
            return false;
        }
    }

    /** True when {@code ancestor} is reachable from {@code head} (or equal to it). */
    public boolean isAncestor(ObjectId ancestor, ObjectId head) throws GitException {
        try (RevWalk walk = new RevWalk(repository)) {
            return walk.isMergedInto(walk.parseCommit(ancestor), walk.parseCommit(head));
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code git diff --no-renames --name-status from to}: added, modified, type-changed, deleted paths. */
    public List<DiffEntry> diff(ObjectId from, ObjectId to) throws GitException {
        try (RevWalk walk = new RevWalk(repository); TreeWalk tree = new TreeWalk(repository)) {
            tree.addTree(walk.parseCommit(from).getTree());
            tree.addTree(walk.parseCommit(to).getTree());
            tree.setRecursive(true);
            // skip identical subtrees: a one-file change in a 10,000-file repository reads a handful of trees
            tree.setFilter(TreeFilter.ANY_DIFF);
            return new ArrayList<>(DiffEntry.scan(tree));
        } catch (IOException e) {
            throw new GitException("cannot diff " + from.name() + ".." + to.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a commit on top of {@code parent} that replaces the given files' contents, or deletes a file whose new
     * content is null (no working tree).
     *
     * @return the new commit's id
     */
    public ObjectId commit(ObjectId parent, Map<String, byte[]> changes, PersonIdent author, String message)
            throws GitException {
        try (ObjectInserter inserter = repository.newObjectInserter(); RevWalk walk = new RevWalk(repository);
                ObjectReader reader = repository.newObjectReader()) {
            RevCommit parentCommit = walk.parseCommit(parent);
            DirCache index = DirCache.newInCore();
            DirCacheBuilder builder = index.builder();
            builder.addTree(new byte[0], DirCacheEntry.STAGE_0, reader, parentCommit.getTree());
            builder.finish();
            DirCacheEditor editor = index.editor();
            for (Map.Entry<String, byte[]> change : changes.entrySet()) {
                if (change.getValue() == null) {
                    editor.add(new DirCacheEditor.DeletePath(change.getKey()));
                    continue;
                }
                ObjectId blob = inserter.insert(Constants.OBJ_BLOB, change.getValue());
                editor.add(new DirCacheEditor.PathEdit(change.getKey()) {
                    @Override
                    public void apply(DirCacheEntry entry) {
                        if (entry.getRawMode() == 0) {
                            entry.setFileMode(FileMode.REGULAR_FILE);
                        }
                        entry.setObjectId(blob);
                    }
                });
            }
            editor.finish();
            ObjectId tree = index.writeTree(inserter);
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(tree);
            commit.setParentId(parent);
            commit.setAuthor(author);
            commit.setCommitter(author);
            commit.setEncoding(StandardCharsets.UTF_8);
            commit.setMessage(message);
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            return id;
        } catch (IOException e) {
            throw new GitException("cannot write a commit in " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Pushes {@code commit} to {@code branch} as a fast-forward only (never forced): when the branch moved since the
     * commit's parent was fetched, the remote rejects it and the caller fetches and re-applies.
     */
    public PushOutcome push(ObjectId commit, String branch) throws GitException {
        String local = "refs/quayside/outgoing/" + branch;
        try {
            RefUpdate update = repository.updateRef(local);
            update.setNewObjectId(commit);
            update.setForceUpdate(true);
            update.update();
            Iterable<PushResult> results = git.push().setRemote(url).setCredentialsProvider(credentials)
                    .setTransportConfigCallback(ssh).setForce(false).setRefSpecs(new RefSpec(local + ":" + Constants.R_HEADS + branch)).call();
            for (PushResult result : results) {
                RemoteRefUpdate r = result.getRemoteUpdate(Constants.R_HEADS + branch);
                switch (r.getStatus()) {
                    case OK, UP_TO_DATE -> {
                        RefUpdate tracking = repository.updateRef(trackingRef(branch));
                        tracking.setNewObjectId(commit);
                        tracking.setForceUpdate(true);
                        tracking.update();
                        return PushOutcome.PUSHED;
                    }
                    case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED, REJECTED_OTHER_REASON -> {
                        if (r.getStatus() == RemoteRefUpdate.Status.REJECTED_OTHER_REASON
                                && r.getMessage() != null && !r.getMessage().contains("lock")) {
                            throw new GitException("push to " + name + "/" + branch + " rejected: " + r.getMessage(),
                                    null);
                        }
                        return PushOutcome.REJECTED;
                    }
                    default -> throw new GitException("push to " + name + "/" + branch + " failed: " + r.getStatus()
                            + (r.getMessage() == null ? "" : " " + r.getMessage()), null);
                }
            }
            throw new GitException("push to " + name + " returned no result", null);
        } catch (GitAPIException | IOException e) {
            throw failed("push to " + name + "/" + branch, e);
        }
    }

    /**
     * {@code what} failed: JGit's reason, or, when the SSH server's host key was refused, which host and which
     * known_hosts file (JGit only says "Server key did not validate").
     */
    private GitException failed(String what, Exception e) {
        return new GitException(what + " failed: "
                + SshSessions.refusal(e, url, sshFiles.knownHosts()).orElseGet(e::getMessage), e);
    }

    private static String trackingRef(String branch) {
        return "refs/remotes/origin/" + branch;
    }

    @Override
    public void close() {
        git.close();
    }
}
