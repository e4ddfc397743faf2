package dev.quayside.notifier.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildOutcome;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.TagUpdated;
import dev.quayside.notifier.config.NotifierConfig.ChannelConfig;
import dev.quayside.notifier.support.TestEvents;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rows of the event-to-status table that the Git host test does not go through. */
class CommitStatusesTest {

    static final ChannelConfig CHANNEL = DeliveriesTest.statusChannel(Map.of("host", "github", "token", "t",
            "context", "ci", "repository", "acme/{repository}"));

    static List<CommitStatus> of(EventEnvelope<?> envelope, ChainTracker.Chain chain) {
        return CommitStatuses.of(CHANNEL, envelope, EventFacts.of(envelope), chain);
    }

    @Test
    void aSupersededBuildIsCancelledOnItsOwnCommit() {
        String sha = TestEvents.sha();
        EventEnvelope<BuildFinished> build = TestEvents.single(new BuildFinished("b", "shop", "shop", sha, "main",
                BuildOutcome.SUPERSEDED, 0, "a newer commit came", List.of(), null));
        assertThat(of(build, ChainTracker.Chain.UNKNOWN)).containsExactly(new CommitStatus("acme/shop", sha,
                "ci/build", CommitStatus.State.CANCELLED, "Build superseded: a newer commit came", null));
    }

    @Test
    void aFailedConfigWriteFailsEachEnvironmentOnTheSourceCommitNotTheConfigCommit() {
        String source = TestEvents.sha();
        EventEnvelope<TagUpdated> tag = TestEvents.single(new TagUpdated("shop", "deploy-config", "main",
                TestEvents.sha(), "img", List.of(new TagUpdated.FileChange("a.json", "qa", "o", "n"),
                        new TagUpdated.FileChange("b.json", "qa", "o", "n")), TagUpdated.Outcome.FAILED, "push refused"));
        ChainTracker.Chain chain = new ChainTracker.Chain(source, null, null, null, Instant.now(), "shop", "x/shop");
        assertThat(of(tag, chain)).containsExactly(new CommitStatus("acme/shop", source, "ci/deploy/qa",
                CommitStatus.State.FAILURE, "Config not written for qa: push refused", null));
        assertThat(of(tag, ChainTracker.Chain.UNKNOWN)).as("no source commit known").isEmpty();
    }

    @Test
    void anUnchangedConfigSetsNoStatus() {
        EventEnvelope<TagUpdated> tag = TestEvents.single(new TagUpdated("shop", "deploy-config", "main", null,
                "img", List.of(), TagUpdated.Outcome.UNCHANGED, null));
        ChainTracker.Chain chain = new ChainTracker.Chain(TestEvents.sha(), null, null, null, null, "shop", null);
        assertThat(of(tag, chain)).isEmpty();
    }
}
