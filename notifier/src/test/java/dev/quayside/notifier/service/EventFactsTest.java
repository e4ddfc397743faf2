package dev.quayside.notifier.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.events.CommitPushed;
import dev.quayside.events.ContainerStopped;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.RoutesUpdated;
import dev.quayside.events.ServiceDeployed;
import dev.quayside.events.TagUpdated;
import dev.quayside.notifier.support.TestEvents;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventFactsTest {

    @Test
    void theChainSummaryTellsTheStoryFromCommitToDeployment() {
        ChainTracker tracker = new ChainTracker();
        String sha = TestEvents.sha();
        Instant t0 = Instant.parse("2026-11-27T10:00:00Z");
        EventEnvelope<CommitPushed> push = TestEvents.commitPushed("shop", sha, "Alice", t0);
        tracker.observe(push);
        EventEnvelope<ImageBuilt> image = TestEvents.next(push, new ImageBuilt("shop", "shop", sha, "main",
                "127.0.0.1:5000", "shop", sha.substring(0, 7), List.of(), "sha256:" + "b".repeat(64), "pkg:oci/shop",
                Map.of(), false), t0.plusSeconds(20));
        tracker.observe(image);
        EventEnvelope<ServiceDeployed> deployed = TestEvents.next(push,
                new ServiceDeployed(TestEvents.deployment("shop", "staging", 9000)), t0.plusSeconds(42));
        ChainTracker.Chain chain = tracker.observe(deployed);
        assertThat(ChainTracker.summary(chain, EventFacts.of(deployed))).isEqualTo("commit " + sha.substring(0, 7)
                + " by Alice → image shop:" + sha.substring(0, 7) + " → deployed to staging in 42 s");
        assertThat(chain.repositoryUrl()).isEqualTo("https://git.example.org/team/shop");
    }

    @Test
    void withoutTheChainTheEventsOwnDurationIsUsed() {
        EventEnvelope<ServiceDeployed> deployed = TestEvents.single(
                new ServiceDeployed(TestEvents.deployment("shop", "prod", 125_000)));
        ChainTracker.Chain chain = new ChainTracker().observe(deployed);
        assertThat(ChainTracker.summary(chain, EventFacts.of(deployed))).isEqualTo("deployed to prod in 2 min 5 s");
    }

    @Test
    void outcomesAreNormalised() {
        assertThat(EventFacts.of(TestEvents.single(new TagUpdated("a", "cfg", "main", null, "img", List.of(),
                TagUpdated.Outcome.FAILED, "push rejected"))).outcome()).isEqualTo("failure");
        assertThat(EventFacts.of(TestEvents.single(new TagUpdated("a", "cfg", "main", null, "img", List.of(),
                TagUpdated.Outcome.NO_MATCH, null))).outcome()).isEqualTo("no-match");
        EventFacts routes = EventFacts.of(TestEvents.single(new RoutesUpdated("edge", List.of(), "h",
                RoutesUpdated.Outcome.RELOAD_FAILED, "bind failed")));
        assertThat(routes.outcome()).isEqualTo("reload-failed");
        assertThat(routes.isFailure()).isTrue();
        EventFacts crashed = EventFacts.of(TestEvents.single(new ContainerStopped(
                TestEvents.containerStarted("web", 1).container(), 137)));
        assertThat(crashed.outcome()).isEqualTo("failure");
        assertThat(crashed.reason()).isEqualTo("exit code 137");
        assertThat(EventFacts.of(TestEvents.single(new ContainerStopped(
                TestEvents.containerStarted("web", 1).container(), 0))).isFailure()).isFalse();
        assertThat(EventFacts.of(TestEvents.single(TestEvents.deploymentFailed("a"))).reason())
                .isEqualTo("health-check: tasks never became healthy");
    }

    @Test
    void oneAppsSyncNamesTheAppAndTheRestNamesNone() {
        dev.quayside.events.ConfigSynced whole = new dev.quayside.events.ConfigSynced("cfg", "main", null, "c".repeat(40),
                List.of("k/cfg.yml"), List.of(), List.of("quayside.yml"), 3, false, List.of(), List.of(),
                dev.quayside.events.ConfigSynced.Outcome.SYNCED, null);
        EventFacts shop = EventFacts.of(TestEvents.single(whole.forApp("shop", List.of("k/marathon/dev/shop.json"),
                List.of(), List.of("marathon/dev/shop.json"), List.of(), List.of())));
        assertThat(shop.app()).isEqualTo("shop");
        assertThat(shop.detail()).containsExactly("marathon/dev/shop.json");
        assertThat(shop.outcome()).isEqualTo("synced");
        EventFacts rest = EventFacts.of(TestEvents.single(whole));
        assertThat(rest.app()).isNull();
        assertThat(rest.detail()).containsExactly("quayside.yml");
    }

    @Test
    void cloneUrlsBecomeWebUrlsWithoutCredentials() {
        assertThat(ChainTracker.webUrl("https://user:token@github.com/org/repo.git"))
                .isEqualTo("https://github.com/org/repo");
        assertThat(ChainTracker.webUrl("http://gitea.local:3000/org/repo")).isEqualTo("http://gitea.local:3000/org/repo");
        assertThat(ChainTracker.webUrl("git@github.com:org/repo.git")).isNull();
        assertThat(ChainTracker.webUrl("file:///tmp/repo.git")).isNull();
    }

    @Test
    void durationsReadLikeAPersonWouldSayThem() {
        assertThat(Templates.duration(42_400)).isEqualTo("42 s");
        assertThat(Templates.duration(180_000)).isEqualTo("3 min");
        assertThat(Templates.duration(3_723_000)).isEqualTo("1 h 2 min");
    }
}
