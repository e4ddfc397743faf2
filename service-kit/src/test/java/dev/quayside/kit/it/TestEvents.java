package dev.quayside.kit.it;

import dev.quayside.events.CommitPushed;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.Person;
import dev.quayside.events.TagUpdated;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Events the test application takes and makes. */
final class TestEvents {

    static final String SOURCE = "/quayside/kit-test";

    private TestEvents() {
    }

    /** A push of {@code repository}: the test handler's behaviour is chosen by the name's prefix. */
    static EventEnvelope<CommitPushed> push(String repository) {
        CommitPushed data = new CommitPushed(repository, "app", "file:///" + repository, "refs/heads/main",
                CommitPushed.RefChange.BRANCH_UPDATED, CommitPushed.ZERO_SHA, "a".repeat(40), List.of(),
                new Person("Tester", "t@example.org", "t"), UUID.randomUUID().toString(), "generic");
        return EventEnvelope.startChain(data, SOURCE, UUID.randomUUID().toString(), Instant.now());
    }

    /** An image of {@code app} (the async handler's input). */
    static EventEnvelope<ImageBuilt> image(String app) {
        EventEnvelope<CommitPushed> push = push(app);
        ImageBuilt built = new ImageBuilt(app, app, "a".repeat(40), "main", "127.0.0.1:5000", app, "aaaaaaa",
                List.of("main"), "sha256:" + "b".repeat(64), "pkg:oci/" + app + "@sha256%3A" + "b".repeat(64),
                Map.of(), false);
        return push.next(built, SOURCE, Instant.now(), app);
    }

    static <T extends dev.quayside.events.PipelineEvent> EventEnvelope<TagUpdated> tag(EventEnvelope<T> in, String app,
            TagUpdated.Outcome outcome, String reason) {
        TagUpdated tag = new TagUpdated(app, "deploy", "main", null, app + ":1", List.of(), outcome, reason);
        return in.next(tag, SOURCE, Instant.now(), app, outcome.name());
    }

    static <T extends dev.quayside.events.PipelineEvent> EventEnvelope<ConfigSynced> synced(EventEnvelope<T> in,
            String repo) {
        ConfigSynced synced = new ConfigSynced(repo, "main", null, "c".repeat(40), List.of("k"), List.of(),
                List.of("f"), 7, false, List.of(), List.of(), ConfigSynced.Outcome.SYNCED, null);
        return in.next(synced, SOURCE, Instant.now(), repo);
    }
}
