package dev.quayside.notifier.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.Promoted;
import dev.quayside.events.ServiceDeployed;
import dev.quayside.notifier.support.TestEvents;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A promotion's sync and deployment run in a chain of their own (the {@code Promoted} event's id): its statuses go on
 * the same source commit as the chain the image was built in, so the Git host shows each environment's outcome.
 */
class ChainTrackerPromotionTest {

    static final dev.quayside.notifier.config.NotifierConfig.ChannelConfig CHANNEL = DeliveriesTest.statusChannel(
            Map.of("host", "gitea", "token", "t", "context", "ci", "repository", "acme/{repository}"));

    static Promoted promoted(String source, String chain) {
        return new Promoted("shop", "deploy-config", "main", "dev", "staging", "127.0.0.1:5000/shop:abc1234@sha256:"
                + "0".repeat(64), TestEvents.sha(), source, List.of("marathon/staging/shop.json"), chain);
    }

    @Test
    void theDeploymentOfAPromotionIsPostedOnTheSourceCommitOfTheChainItWasPromotedFrom() {
        ChainTracker tracker = new ChainTracker();
        String sha = TestEvents.sha();
        EventEnvelope<CommitPushed> pushed = TestEvents.commitPushed("shop", sha, "Ada", Instant.now());
        tracker.observe(pushed);
        String promotionChain = java.util.UUID.randomUUID().toString();
        tracker.observe(TestEvents.next(pushed, promoted(null, promotionChain), Instant.now()));

        EventEnvelope<ServiceDeployed> deployed = EventEnvelope.of(new ServiceDeployed(TestEvents.deployment("shop",
                "staging", 3000)), "test", java.util.UUID.randomUUID().toString(), promotionChain, Instant.now());
        ChainTracker.Chain chain = tracker.observe(deployed);
        assertThat(chain.commit()).isEqualTo(sha);
        assertThat(chain.author()).isEqualTo("Ada");
        assertThat(CommitStatuses.of(CHANNEL, deployed, EventFacts.of(deployed), chain)).extracting(
                CommitStatus::sha, CommitStatus::context, CommitStatus::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple(sha, "ci/deploy/staging", CommitStatus.State.SUCCESS));
    }

    @Test
    void withoutTheEarlierChainThePromotionsSourceTrailerNamesTheCommit() {
        ChainTracker tracker = new ChainTracker();
        String sha = TestEvents.sha();
        String promotionChain = java.util.UUID.randomUUID().toString();
        tracker.observe(TestEvents.single(promoted("shop@" + sha, promotionChain)));
        ChainTracker.Chain chain = tracker.observe(EventEnvelope.of(new ServiceDeployed(TestEvents.deployment("shop",
                "staging", 3000)), "test", java.util.UUID.randomUUID().toString(), promotionChain, Instant.now()));
        assertThat(chain.commit()).isEqualTo(sha);
        assertThat(chain.repository()).isEqualTo("shop");
    }

    @Test
    void aPromotionWithNoKnownSourceLeavesItsChainUnknown() {
        ChainTracker tracker = new ChainTracker();
        String promotionChain = java.util.UUID.randomUUID().toString();
        tracker.observe(TestEvents.single(promoted("not-a-source", promotionChain)));
        ChainTracker.Chain chain = tracker.observe(EventEnvelope.of(new ServiceDeployed(TestEvents.deployment("shop",
                "staging", 3000)), "test", java.util.UUID.randomUUID().toString(), promotionChain, Instant.now()));
        assertThat(chain.commit()).isNull();
    }
}
