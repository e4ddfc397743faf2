package dev.quayside.configsyncer.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;

/** A real bare "remote" repository and a human's working clone of it, for tests. */
public final class TestRepo implements AutoCloseable {

    public final Path bare;
    final Path work;
    public final Git human;

    private TestRepo(Path bare, Path work, Git human) {
        this.bare = bare;
        this.work = work;
        this.human = human;
    }

    static {
        // measure the file system's timestamp resolution in the background instead of blocking the first commit
        org.eclipse.jgit.util.FS.FileStoreAttributes.setBackground(true);
    }

    public static TestRepo create(Path dir) throws Exception {
        Path bare = dir.resolve("remote.git");
        Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call().close();
        Path work = dir.resolve("human");
        Git human = Git.init().setInitialBranch("main").setDirectory(work.toFile()).call();
        human.remoteAdd().setName("origin").setUri(new org.eclipse.jgit.transport.URIish(bare.toUri().toString()))
                .call();
        return new TestRepo(bare, work, human);
    }

    public String url() {
        return bare.toUri().toString();
    }

    /** Writes (or with a null value, deletes) files, commits as a human and pushes to {@code branch}. */
    public RevCommit commit(String message, Map<String, String> files) throws IOException, GitAPIException {
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = work.resolve(f.getKey());
            if (f.getValue() == null) {
                Files.deleteIfExists(p);
                human.rm().addFilepattern(f.getKey()).call();
            } else {
                Files.createDirectories(p.getParent() == null ? work : p.getParent());
                Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
            }
        }
        // one index update per commit: JGit's racy-clean handling makes per-file adds slow
        human.add().addFilepattern(".").call();
        PersonIdent me = new PersonIdent("Human", "human@example.com");
        RevCommit c = human.commit().setMessage(message).setAuthor(me).setCommitter(me).setSign(false).call();
        return c;
    }

    public void push() throws GitAPIException {
        human.push().setRemote("origin").setRefSpecs(new RefSpec("refs/heads/main:refs/heads/main")).call();
    }

    public void forcePush() throws GitAPIException {
        human.push().setRemote("origin").setForce(true).setRefSpecs(new RefSpec("+refs/heads/main:refs/heads/main"))
                .call();
    }

    /** Pulls (fetch + rebase) the remote's main into the human's clone. */
    public void pull() throws GitAPIException {
        human.pull().setRemote("origin").setRemoteBranchName("main").setRebase(true).call();
    }

    public ObjectId remoteHead() throws IOException {
        try (Git g = Git.open(bare.toFile())) {
            return g.getRepository().resolve("refs/heads/main");
        }
    }

    /** A file's bytes at the remote's main. */
    byte[] remoteFile(String path) throws IOException {
        try (Git g = Git.open(bare.toFile())) {
            var repo = g.getRepository();
            try (var walk = new org.eclipse.jgit.revwalk.RevWalk(repo);
                    var tw = org.eclipse.jgit.treewalk.TreeWalk.forPath(repo, path,
                            walk.parseCommit(repo.resolve("refs/heads/main")).getTree())) {
                return tw == null ? null : repo.open(tw.getObjectId(0)).getBytes();
            }
        }
    }

    public String remoteText(String path) throws IOException {
        byte[] b = remoteFile(path);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        human.close();
    }
}
