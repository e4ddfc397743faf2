package dev.quayside.notifier.service;

/**
 * One commit status to post, whatever the host: each host client maps {@link State} to its own words.
 *
 * @param repository  the repository on the host ({@code owner/repo}, GitLab's project path); null for Bitbucket Server
 * @param sha         the chain's source commit
 * @param context     the status's context (GitLab {@code name}, Bitbucket {@code key}), e.g. {@code quayside/deploy/prod}
 * @param description one line, at most {@link #DESCRIPTION_MAX} characters
 * @param targetUrl   the link, or null
 */
public record CommitStatus(String repository, String sha, String context, State state, String description,
        String targetUrl) {

    /** GitHub cuts descriptions at 140 characters; the others allow more. */
    public static final int DESCRIPTION_MAX = 140;

    /** A stage's state. */
    public enum State {
        /** Waiting: queued, or a deployment under way. */
        PENDING,
        /** The build is running. */
        RUNNING,
        SUCCESS,
        /** Failed: a failed build or deployment, a rollback. */
        FAILURE,
        /** Stopped without a verdict: a build skipped or superseded by a newer commit. */
        CANCELLED
    }
}
