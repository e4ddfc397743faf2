package dev.quayside.gitwatcher.service;

import java.util.Locale;

/** Where a push was learnt from: the {@code hostKind} of {@link dev.quayside.events.CommitPushed}. */
public enum HostKind {
    GITHUB, GITLAB, GITEA, BITBUCKET, BITBUCKET_SERVER, GENERIC, POLL;

    /** {@code github}, {@code gitlab}, {@code gitea}, {@code bitbucket}, {@code bitbucket-server}, {@code generic}, {@code poll}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
