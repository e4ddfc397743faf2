package dev.quayside.gitwatcher.service.push;

import dev.quayside.events.CommitPushed.Commit;
import dev.quayside.events.Person;
import dev.quayside.gitwatcher.service.RepositoryIdentity;
import java.util.List;

/**
 * One ref update as a host reported it (a webhook may carry several, e.g. Bitbucket's {@code changes}).
 *
 * @param repository      how the payload names the repository
 * @param ref             full ref name, e.g. {@code refs/heads/main}
 * @param before          previous commit (forty zeros when created); null when the host did not say (Gitea's
 *                        {@code delete} event): the ref's last head git-watcher saw
 * @param after           new commit (forty zeros when deleted)
 * @param commits         the commits the payload lists, oldest first
 * @param commitsComplete false when the payload lists no commits and they must be fetched (generic hook, poll)
 * @param pusher          who pushed, or null
 */
public record PushedRef(RepositoryIdentity repository, String ref, String before, String after, List<Commit> commits,
        boolean commitsComplete, Person pusher) {

    public PushedRef {
        commits = List.copyOf(commits);
    }

    /** True for the all-zero id that stands for "no commit" (a created or deleted ref). */
    public static boolean isZero(String sha) {
        return sha.chars().allMatch(c -> c == '0');
    }

    /** This update with {@code before} as its previous commit. */
    public PushedRef withBefore(String before) {
        return new PushedRef(repository, ref, before, after, commits, commitsComplete, pusher);
    }
}
