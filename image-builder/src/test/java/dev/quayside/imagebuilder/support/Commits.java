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
        String unique = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        Commits commits = new Commits(unique, dir.resolve(unique + ".git"), dir.resolve(unique));
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

    /** The event for a push of {@code commit} to main, cloned from the bare repository's path. */
    public EventEnvelope<CommitPushed> pushed(String commit) {
        return pushed(commit, "app", "refs/heads/main", bare.toString());
    }

    public EventEnvelope<CommitPushed> pushed(String commit, String kind, String ref, String cloneUrl) {
        CommitPushed push = new CommitPushed(name, kind, cloneUrl, ref, CommitPushed.RefChange.BRANCH_UPDATED,
                CommitPushed.ZERO_SHA, commit, List.of(), new Person("Quayside Sample", "sample@quayside.invalid",
                        "sample"), "delivery-" + UUID.randomUUID(), "generic");
        return EventEnvelope.startChain(push, "/quayside/git-watcher", UUID.randomUUID().toString(), Instant.now());
    }
}
