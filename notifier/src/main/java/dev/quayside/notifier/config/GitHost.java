package dev.quayside.notifier.config;

/** The Git hosts a {@code commit-status} channel can post to, each with its documented request shape. */
public enum GitHost {
    /** GitHub (and GitHub Enterprise Server): the commit statuses API. */
    GITHUB,
    /** GitLab: the commit status API of a project. */
    GITLAB,
    /** Gitea and Forgejo: the commit statuses API. */
    GITEA,
    /** Bitbucket Cloud: the build status of a commit. */
    BITBUCKET_CLOUD,
    /** Bitbucket Server / Data Center: the build-status 1.0 resource of a commit. */
    BITBUCKET_SERVER
}
