package dev.quayside.imagebuilder.service;

import dev.quayside.events.CommitPushed;
import dev.quayside.imagebuilder.client.GitClient;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Keeps the images of a ref announced in commit order: says whether a newer commit of the job's ref was announced
 * already, and holds the per-ref lock under which an image is checked, tagged and announced.
 */
final class RefAnnouncements {

    private final GitClient git;
    private final ConcurrentMap<String, Object> locks = new ConcurrentHashMap<>();

    RefAnnouncements(GitClient git) {
        this.git = git;
    }

    /**
     * The commit announced for the job's ref when it descends from {@code commit} (so this one is older), else empty.
     * A push that moved the ref back from the announced commit (its {@code before} is that commit or descends from
     * it: a deliberate rollback) is not older.
     */
    Optional<String> newerAnnounced(BuildJob job, String commit) {
        CommitPushed push = job.trigger().data();
        Optional<String> announced = git.announced(push.repository(), push.ref());
        if (announced.isEmpty() || announced.get().equals(commit)
                || !git.isAncestor(push.repository(), commit, announced.get())) {
            return Optional.empty();
        }
        String before = push.before();
        if (before != null && !CommitPushed.ZERO_SHA.equals(before)
                && git.isAncestor(push.repository(), announced.get(), before)) {
            return Optional.empty();
        }
        return announced;
    }

    /** Records {@code commit} as the one announced for the job's ref. */
    void announced(BuildJob job, String commit) {
        CommitPushed push = job.trigger().data();
        git.recordAnnounced(push.repository(), push.ref(), commit);
    }

    /** The lock announcing an image for the job's repository and ref is done under (check, push tags, announce). */
    Object lock(BuildJob job) {
        return locks.computeIfAbsent(job.repository() + "\u0000" + job.ref(), k -> new Object());
    }
}
