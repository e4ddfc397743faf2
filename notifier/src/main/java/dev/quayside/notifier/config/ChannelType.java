package dev.quayside.notifier.config;

/** The kinds of destination. */
public enum ChannelType {
    /** Slack incoming webhook, Block Kit message. */
    SLACK,
    /** Mattermost incoming webhook, Markdown {@code text}. */
    MATTERMOST,
    /** Microsoft Teams workflow webhook, Adaptive Card attachment. */
    TEAMS,
    /** Google Chat incoming webhook, {@code text} and {@code cardsV2}. */
    GOOGLE_CHAT,
    /** Any HTTP endpoint: Quayside's JSON, signed with HMAC-SHA256. */
    WEBHOOK,
    /** SMTP through Quarkus Mailer, HTML and plain-text parts. */
    EMAIL,
    /** A commit status on the chain's source commit at the Git host ({@code host}: GitHub, GitLab, Gitea, Bitbucket). */
    COMMIT_STATUS
}
