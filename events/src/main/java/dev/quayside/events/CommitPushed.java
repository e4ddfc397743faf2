package dev.quayside.events;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A push to a watched repository (CDEvents {@code change.merged}): new commits on a branch, a branch deleted, or a
 * tag pushed or deleted. Published by git-watcher, once per push, on {@link Topics#COMMIT_PUSHED}.
 *
 * @param repository     the repository's configured name
 * @param repositoryKind {@code app} (built into an image) or {@code config} (the deployment-config repository)
 * @param cloneUrl       the clone URL from Quayside's configuration (never from the payload)
 * @param ref            the full ref, e.g. {@code refs/heads/main}
 * @param change         what the push did to the ref
 * @param before         the ref's previous commit (forty zeros when created)
 * @param after          the ref's new commit (forty zeros when deleted)
 * @param commits        the pushed commits, oldest first
 * @param pusher         who pushed
 * @param deliveryId     the webhook delivery id, or a poll id
 * @param hostKind       {@code github}, {@code gitlab}, {@code gitea}, {@code bitbucket}, {@code bitbucket-server},
 *                       {@code generic} or {@code poll}
 */
public record CommitPushed(String repository, String repositoryKind, String cloneUrl, String ref, RefChange change,
        String before, String after, List<Commit> commits, Person pusher, String deliveryId, String hostKind)
        implements PipelineEvent {

    public static final String ZERO_SHA = "0000000000000000000000000000000000000000";

    /** What a push did to its ref. */
    public enum RefChange {
        BRANCH_CREATED, BRANCH_UPDATED, BRANCH_DELETED, TAG_PUSHED, TAG_DELETED
    }

    /** One pushed commit. */
    public record Commit(String id, String message, Person author, Instant timestamp, List<String> added,
            List<String> modified, List<String> removed) {
    }

    /** The short branch or tag name of {@link #ref}. */
    public String refName() {
        if (ref.startsWith("refs/heads/")) {
            return ref.substring("refs/heads/".length());
        }
        if (ref.startsWith("refs/tags/")) {
            return ref.substring("refs/tags/".length());
        }
        return ref;
    }

    public boolean isBranch() {
        return ref.startsWith("refs/heads/");
    }

    @Override
    public String subjectId() {
        return repository + "@" + after;
    }

    @Override
    public Map<String, Object> subjectContent() {
        Map<String, Object> repo = new LinkedHashMap<>();
        repo.put("id", repository);
        if (cloneUrl != null && isUriReference(cloneUrl)) {
            repo.put("source", cloneUrl);
        }
        return Map.of("repository", repo);
    }

    @Override
    public String partitionKey() {
        return repository;
    }

    static boolean isUriReference(String value) {
        try {
            URI.create(value);
            return !value.isEmpty();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
