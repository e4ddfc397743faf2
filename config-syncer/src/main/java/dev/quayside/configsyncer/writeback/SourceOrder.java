package dev.quayside.configsyncer.writeback;

import dev.quayside.configsyncer.client.GitClient;
import dev.quayside.configsyncer.client.GitException;
import dev.quayside.configsyncer.client.GitWorkspace;
import dev.quayside.configsyncer.policy.Policies;
import dev.quayside.events.ImageBuilt;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Whether one build may replace what is pinned, per environment, by the ancestry of their source commits — never by
 * the order they arrived in. The source repository is fetched (at most once per build, and only when another commit
 * of it is pinned) from the URL config-syncer's own configuration gives for the repository the event names.
 */
public final class SourceOrder {

    /** What to do with the build in one environment. */
    public enum Verdict {
        /** Pin it: nothing of its repository is pinned, or its commit descends from the pinned one. */
        PIN,
        /** It is older than what is pinned: write nothing. */
        OLDER,
        /** This very commit was pinned before: pin it only where the definition still has its image. */
        SEEN
    }

    /** A verdict and why. */
    public record Decision(Verdict verdict, String reason) {
        static final Decision PIN = new Decision(Verdict.PIN, null);
    }

    /** A build that cannot be ordered against what is pinned (its repository cannot be fetched): refused. */
    public static final class UnorderableException extends IllegalArgumentException {
        UnorderableException(String message) {
            super(message);
        }
    }

    /** Decides per environment; one instance per build. */
    @FunctionalInterface
    public interface Ordering {

        /**
         * The verdict in {@code environment}, whose definition in Git holds {@code image} now; {@code writtenBack} says,
         * when asked, which build the config repository's last write-back of that definition pinned.
         */
        Decision decide(String environment, String image, WrittenBack writtenBack) throws GitException;

        /** Every build is pinned (no record of earlier pins): tests and tools. */
        Ordering ALWAYS = (environment, image, writtenBack) -> Decision.PIN;
    }

    /**
     * The build the config repository's last commit that changed a definition pinned (its {@code Quayside-Source}
     * trailer), or null when that commit has none (a rollback, a person's edit, a template without the trailer).
     */
    @FunctionalInterface
    public interface WrittenBack {
        PinnedSource source() throws GitException;
    }

    private final GitClient git;
    private final SourceRepositories sources;

    public SourceOrder(GitClient git, SourceRepositories sources) {
        this.git = git;
        this.sources = sources;
    }

    /**
     * The ordering of {@code built} against {@code pinned} (per environment, as read from Consul). Consul's record is
     * written after the write-back's push, so a crash between the two leaves it behind Git: when the definition's image
     * in Git is not the one Consul recorded, or Consul has no record, the build that Git's last write-back of it
     * pinned is what counts (when that commit says: its {@code Quayside-Source} trailer).
     */
    public Ordering of(ImageBuilt built, Map<String, PinnedSource> pinned) {
        return of(new PinnedSource(built.repository(), built.branch(), built.commit(), built.pinnedReference()), pinned);
    }

    /**
     * The ordering of {@code candidate} (a build about to be pinned: its source repository, ref — a full or bare name,
     * or null when not known — and commit) against {@code pinned}, as {@link #of(ImageBuilt, Map)} decides it for a
     * build. A promotion orders the build that ran in the environment it promotes from this way.
     */
    public Ordering of(PinnedSource candidate, Map<String, PinnedSource> pinned) {
        Map<String, Decision> decided = new HashMap<>();
        GitWorkspace[] fetched = {null};
        if (candidate.commit() != null && pinned.values().stream().anyMatch(p -> candidate.repository()
                .equals(p.repository()) && !candidate.commit().equals(p.commit()))) {
            // fetched now, in the caller's thread: not inside the write-back batch its decisions are made in
            fetched[0] = prefetch(candidate);
        }
        return (environment, image, writtenBack) -> {
            Decision known = decided.get(environment);
            if (known == null) {
                PinnedSource recorded = pinned.get(environment);
                if (recorded == null && image != null) {
                    // no record (a crash before Consul recorded the last pin): Git's last write-back of it says
                    PinnedSource inGit = writtenBack.source();
                    recorded = inGit != null && image.equals(inGit.image()) ? inGit : null;
                } else if (recorded != null && image != null && !image.equals(recorded.image())) {
                    PinnedSource inGit = writtenBack.source();
                    if (inGit != null && image.equals(inGit.image())) {
                        recorded = inGit;
                    }
                }
                known = decide(candidate, recorded, environment, fetched);
                decided.put(environment, known);
            }
            return known;
        };
    }

    /** The source repository of {@code candidate}, fetched; null when it cannot be (a decision that needs it says why). */
    private GitWorkspace prefetch(PinnedSource candidate) {
        try {
            return fetchSource(candidate, "the pinned build");
        } catch (GitException | RuntimeException e) {
            return null;
        }
    }

    private GitWorkspace fetchSource(PinnedSource built, String pinnedCommit) throws GitException {
        SourceRepositories.Source source = sources.find(built.repository())
                .orElseThrow(() -> new UnorderableException("cannot tell whether " + built.repository() + "@"
                        + built.commit() + " is newer than " + pinnedCommit + ": " + sources.whyNot(built.repository())));
        GitWorkspace ws = git.source(source.name(), source.url(), source.username(), source.password());
        ws.lock().lock();
        try {
            ws.fetchAll();
        } finally {
            ws.lock().unlock();
        }
        return ws;
    }

    private Decision decide(PinnedSource built, PinnedSource pinned, String environment, GitWorkspace[] fetched)
            throws GitException {
        if (pinned == null || built.commit() == null || !built.repository().equals(pinned.repository())) {
            return Decision.PIN; // nothing of this repository pinned: builds of two repositories have no order
        }
        if (pinned.commit().equals(built.commit())) {
            return new Decision(Verdict.SEEN, built.commit() + " was pinned in " + environment + " before");
        }
        if (fetched[0] == null) {
            fetched[0] = fetchSource(built, pinned.commit() + " pinned in " + environment);
        }
        GitWorkspace ws = fetched[0];
        ObjectId now = ObjectId.fromString(pinned.commit());
        ObjectId candidate;
        try {
            candidate = ObjectId.fromString(built.commit());
        } catch (IllegalArgumentException e) {
            throw new UnorderableException("'" + built.commit() + "' is not a commit id");
        }
        String ref = built.ref() == null ? null : Policies.fullRef(built.ref());
        String older = built.repository() + "@" + abbreviate(built.commit()) + (ref == null ? "" : " (" + ref + ")")
                + " is older than " + abbreviate(pinned.commit()) + (pinned.ref() == null ? "" : " (" + pinned.ref() + ")")
                + " pinned in " + environment;
        if (!ws.has(candidate)) {
            return new Decision(Verdict.OLDER, built.repository() + "@" + abbreviate(built.commit())
                    + " is on no branch or tag of the repository any more; " + abbreviate(pinned.commit())
                    + " stays pinned in " + environment);
        }
        if (!ws.has(now) || ws.isAncestor(now, candidate)) {
            return Decision.PIN;
        }
        if (ws.isAncestor(candidate, now)) {
            return new Decision(Verdict.OLDER, older + " (an ancestor of it)");
        }
        // diverged histories
        if (ref != null && ref.equals(pinned.ref())) {
            ObjectId head = ws.fetched(ref);
            boolean pinnedOnRef = head != null && ws.isAncestor(now, head);
            boolean candidateOnRef = head != null && ws.isAncestor(candidate, head);
            if (pinnedOnRef != candidateOnRef) {
                return candidateOnRef ? Decision.PIN : new Decision(Verdict.OLDER, older
                        + " (its history was rewritten: the build is no longer on " + ref + ")");
            }
            return ws.commitTime(candidate) >= ws.commitTime(now) ? Decision.PIN
                    : new Decision(Verdict.OLDER, older + " (diverged, committed earlier)");
        }
        return Decision.PIN; // the environment follows several refs: the latest build of any of them wins
    }

    private static String abbreviate(String commit) {
        return commit.length() > 12 ? commit.substring(0, 12) : commit;
    }
}
