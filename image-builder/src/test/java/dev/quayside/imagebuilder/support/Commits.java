package dev.quayside.imagebuilder.support;

import dev.quayside.devstack.docker.SampleApp;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.Person;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A real app repository (the busybox sample app in a bare Git repo) and the events git-watcher would send for it. */
public final class Commits {

    private final String name;
    private final Path bare;
    private final Path work;
    private String last = CommitPushed.ZERO_SHA;

    private Commits(String name, Path bare, Path work) {
        this.name = name;
        this.bare = bare;
        this.work = work;
    }

    /** A new repository named {@code name-<random>} holding the sample app at {@code version}. */
    public static Commits sampleApp(Path dir, String name, String version) {
        return named(dir, name + "-" + UUID.randomUUID().toString().substring(0, 8), version);
    }

    /** A new repository named exactly {@code name} ({@code <dir>/<name>.git}) holding the sample app at {@code version}. */
    public static Commits named(Path dir, String name, String version) {
        Commits commits = new Commits(name, dir.resolve(name + ".git"), dir.resolve(name));
        commits.last = SampleApp.createRepository(commits.bare, commits.work, version);
        return commits;
    }

    public String name() {
        return name;
    }

    public String head() {
        return last;
    }

    public Path work() {
        return work;
    }

    /** Writes {@code content} to {@code path} of the working copy (not yet committed). */
    public Commits write(String path, String content) {
        try {
            Path file = work.resolve(path);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes {@code path} of the working copy a symbolic link to {@code target} (not yet committed). */
    public Commits link(String path, String target) {
        try {
            Path file = work.resolve(path);
            Files.createDirectories(file.getParent());
            Files.createSymbolicLink(file, Path.of(target));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Commits and pushes the working copy; returns the new commit id. */
    public String commit(String message) {
        last = SampleApp.commitAndPush(work, message);
        return last;
    }

    /** The sample app serving {@code version}, committed and pushed. */
    public String commitVersion(String version) {
        SampleApp.setVersion(work, version);
        return commit("version " + version);
    }

    /** The bare repository pushes go to. */
    public Path bare() {
        return bare;
    }

    /**
     * The event for a push of {@code commit} to main, naming the bare repository's path as its clone URL (as
     * git-watcher would; image-builder takes the URL from its own configuration).
     */
    public EventEnvelope<CommitPushed> pushed(String commit) {
        return pushed(commit, "app", "refs/heads/main", bare.toString());
    }

    public EventEnvelope<CommitPushed> pushed(String commit, String kind, String ref, String cloneUrl) {
        return pushed(commit, kind, ref, cloneUrl, CommitPushed.ZERO_SHA);
    }

    /** The event for a push that moved {@code ref} from {@code before} to {@code commit}. */
    public EventEnvelope<CommitPushed> pushed(String commit, String kind, String ref, String cloneUrl, String before) {
        CommitPushed.RefChange change = ref.startsWith("refs/tags/") ? CommitPushed.RefChange.TAG_PUSHED
                : CommitPushed.RefChange.BRANCH_UPDATED;
        CommitPushed push = new CommitPushed(name, kind, cloneUrl, ref, change, before, commit, List.of(),
                new Person("Quayside Sample", "sample@quayside.invalid", "sample"), "delivery-" + UUID.randomUUID(),
                "generic");
        return EventEnvelope.startChain(push, "/quayside/git-watcher", UUID.randomUUID().toString(), Instant.now());
    }

    /** The event for a push of {@code ref} (a branch or a tag) at {@code commit}. */
    public EventEnvelope<CommitPushed> pushed(String commit, String ref) {
        return pushed(commit, "app", ref, bare.toString());
    }

    /** Creates {@code tag} at the working copy's head (annotated when {@code message} is not null) and pushes it. */
    public String tag(String tag, String message) {
        if (message == null) {
            SampleApp.git(work, "tag", tag);
        } else {
            SampleApp.git(work, "-c", "user.name=Quayside Sample", "-c", "user.email=sample@quayside.invalid", "tag",
                    "-a", "-m", message, tag);
        }
        SampleApp.git(work, "push", "-q", "origin", "refs/tags/" + tag);
        return SampleApp.git(work, "rev-parse", "refs/tags/" + tag).trim();
    }

    /** Creates {@code branch} at the working copy's head and pushes it (the working copy stays on main). */
    public void branch(String branch) {
        SampleApp.git(work, "push", "-q", "origin", "HEAD:refs/heads/" + branch);
    }
}
