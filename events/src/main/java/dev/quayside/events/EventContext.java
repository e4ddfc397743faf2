package dev.quayside.events;

import java.time.Instant;

/**
 * The CDEvents {@code context}: mirrored into the CloudEvents attributes {@code id}, {@code source}, {@code type},
 * {@code time}.
 *
 * @param specversion the CDEvents spec version
 * @param id          event id; deterministic where the effect is (see {@link EventIds})
 * @param source      the producing service, e.g. {@code /quayside/git-watcher}
 * @param type        the wire type (see {@link EventType#wireType()})
 * @param timestamp   when the effect happened
 * @param chainId     id of the {@link CommitPushed} event that started this chain, or null where no commit did
 */
public record EventContext(String specversion, String id, String source, String type, Instant timestamp,
        String chainId) {

    public static final String CDEVENTS_SPEC_VERSION = "0.5.1";
}
