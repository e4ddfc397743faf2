package dev.quayside.configsyncer.service;

import dev.quayside.configsyncer.mirror.KeyLayout;
import dev.quayside.configsyncer.mirror.MirrorOptions;
import dev.quayside.configsyncer.writeback.WriteBackService;
import java.util.List;

/**
 * One configured config repository, as the services use it.
 *
 * @param name            the repository's configured name (the {@code repo} part of keys and events)
 * @param cloneUrl        where to fetch from and push to
 * @param branch          the branch write-backs commit to
 * @param branches        the branches mirrored into Consul
 * @param authorName      author and committer of write-back commits
 * @param authorEmail     their e-mail
 * @param username        push/fetch user, or null
 * @param password        push/fetch password or token, or null
 * @param messageTemplate the write-back commit message template
 * @param mirror          git2consul's options
 */
public record ConfigRepo(String name, String cloneUrl, String branch, List<String> branches, String authorName,
        String authorEmail, String username, String password, String messageTemplate, MirrorOptions mirror) {

    /** The write-back's message unless configured ({@code quayside.config-syncer.repositories.*.message-template}). */
    public static final String DEFAULT_MESSAGE = "Deploy {app} {image} to {environments}\n\n"
            + WriteBackService.SOURCE_TRAILER + ": {sourceRepository}@{sourceCommit}\n"
            + WriteBackService.EVENT_TRAILER + ": {eventId}\n";

    /** A repository with Quayside's defaults, for tests and tools. */
    public static ConfigRepo of(String name, String cloneUrl, MirrorOptions mirror) {
        return new ConfigRepo(name, cloneUrl, "main", List.of("main"), "Quayside", "quayside@localhost", null, null,
                DEFAULT_MESSAGE, mirror);
    }

    public KeyLayout layout() {
        return new KeyLayout(name, mirror);
    }
}
