package dev.quayside.board.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildOutcome;
import dev.quayside.events.BuildQueued;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.Deployment;
import dev.quayside.events.DeploymentTarget;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.Person;
import dev.quayside.events.ServiceUpgraded;
import dev.quayside.events.TagUpdated;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The chain's stages and status come out the same whatever order its events are read in. */
class ChainRecordTest {

    static final String SHA = "0fb1cc4f4e20aa0fb1cc4f4e20aa0fb1cc4f4e20";
    static final Instant T0 = Instant.parse("2026-11-27T16:10:34Z");

    static List<EventEnvelope<?>> chain(String... environments) {
        Person ada = new Person("Ada", "ada@example.org", "ada");
        EventEnvelope<CommitPushed> push = EventEnvelope.startChain(new CommitPushed("shop", "app",
                "https://git.example.org/team/shop.git", "refs/heads/main", CommitPushed.RefChange.BRANCH_UPDATED,
                CommitPushed.ZERO_SHA, SHA, List.of(new CommitPushed.Commit(SHA, "m", ada, T0, List.of(), List.of(),
                        List.of())), ada, "d1", "github"), "/quayside/git-watcher", "chain-1", T0);
        List<EventEnvelope<?>> events = new ArrayList<>();
        events.add(push);
        events.add(push.next(new BuildQueued("b1", "shop", "shop", SHA, "main"), "s", T0.plusMillis(100), "q"));
        events.add(push.next(new BuildFinished("b1", "shop", "shop", SHA, "main", BuildOutcome.SUCCESS, 8000, null,
                List.of(), null), "s", T0.plusMillis(8200), "f"));
        events.add(push.next(new ImageBuilt("shop", "shop", SHA, "main", "r:5000", "shop", "0fb1cc4f4e20", List.of(),
                "sha256:ab", "pkg:oci/shop", Map.of(), false), "s", T0.plusMillis(8300), "i"));
        List<TagUpdated.FileChange> changes = new ArrayList<>();
        for (String env : environments) {
            changes.add(new TagUpdated.FileChange("marathon/" + env + "/shop.json", env, "old", "new"));
        }
        events.add(push.next(new TagUpdated("shop", "config", "main", "c0ffee", "new", changes,
                TagUpdated.Outcome.UPDATED, null), "s", T0.plusMillis(9500), "t"));
        events.add(push.next(new ConfigSynced("config", "main", null, "c0ffee", List.of(), List.of(), List.of(), 4,
                false, List.of(), List.of(), ConfigSynced.Outcome.SYNCED, null), "s", T0.plusMillis(9600), "c"));
        for (String env : environments) {
            events.add(push.next(new ServiceUpgraded(new Deployment("shop", env, DeploymentTarget.MARATHON,
                    "/" + env + "/shop", "v", "new", "d", 1500), false), "s", T0.plusMillis(11_200), env));
        }
        return events;
    }

    @Test
    void theOrderEventsArriveInDoesNotMatter() {
        List<EventEnvelope<?>> events = chain("dev", "prod");
        ChainRecord inOrder = new ChainRecord("chain-1");
        events.forEach(inOrder::apply);
        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            List<EventEnvelope<?>> shuffled = new ArrayList<>(events);
            Collections.shuffle(shuffled, random);
            ChainRecord record = new ChainRecord("chain-1");
            shuffled.forEach(record::apply);
            assertThat(record.status()).isEqualTo(inOrder.status());
            assertThat(keys(record)).isEqualTo(keys(inOrder));
        }
        assertThat(inOrder.status().status()).isEqualTo(ChainStatus.LIVE);
        assertThat(inOrder.status().at()).isEqualTo(T0.plusMillis(11_200));
        assertThat(keys(inOrder)).containsExactly("push", "build", "image", "config", "sync", "deploy:dev/shop",
                "deploy:prod/shop");
    }

    @Test
    void aChainIsLiveOnlyOnceEveryEnvironmentItChangedIsDeployed() {
        List<EventEnvelope<?>> events = chain("dev", "prod");
        ChainRecord record = new ChainRecord("chain-1");
        events.subList(0, events.size() - 1).forEach(record::apply);
        assertThat(record.status().status()).isEqualTo(ChainStatus.RUNNING);
        assertThat(record.expected()).containsExactly("dev/shop", "prod/shop");
        record.apply(events.get(events.size() - 1));
        assertThat(record.status().status()).isEqualTo(ChainStatus.LIVE);
    }

    @Test
    void aConfigPushThatChangedTwoAppsShowsBothSyncsAndIsLiveOnceBothAreDeployed() {
        Person ada = new Person("Ada", "ada@example.org", "ada");
        EventEnvelope<CommitPushed> push = EventEnvelope.startChain(new CommitPushed("config", "config",
                "https://git.example.org/team/config.git", "refs/heads/main", CommitPushed.RefChange.BRANCH_UPDATED,
                CommitPushed.ZERO_SHA, SHA, List.of(), ada, "d2", "github"), "/quayside/git-watcher", "chain-2", T0);
        ConfigSynced whole = new ConfigSynced("config", "main", null, SHA, List.of(), List.of(), List.of(), 4, false,
                List.of(), List.of(), ConfigSynced.Outcome.SYNCED, null);
        EventEnvelope<?> shop = push.next(whole.forApp("shop", List.of("k/main/marathon/dev/shop.json"), List.of(),
                List.of("marathon/dev/shop.json"), List.of(), List.of()), "s", T0.plusMillis(100), "shop");
        EventEnvelope<?> cart = push.next(whole.forApp("cart", List.of("k/main/marathon/dev/cart.json"), List.of(),
                List.of("marathon/dev/cart.json"), List.of(), List.of()), "s", T0.plusMillis(110), "cart");
        EventEnvelope<?> shopLive = push.next(new ServiceUpgraded(new Deployment("shop", "dev",
                DeploymentTarget.MARATHON, "/dev/shop", "v", "new", "d", 1500), false), "s", T0.plusMillis(2000), "1");
        EventEnvelope<?> cartLive = push.next(new ServiceUpgraded(new Deployment("cart", "dev",
                DeploymentTarget.MARATHON, "/dev/cart", "v", "new", "d", 1500), false), "s", T0.plusMillis(3000), "2");
        ChainRecord record = new ChainRecord("chain-2");
        List.of(push, shop, cart, shopLive).forEach(record::apply);
        assertThat(record.expected()).containsExactly("dev/shop", "dev/cart");
        assertThat(record.status().status()).isEqualTo(ChainStatus.RUNNING);
        record.apply(shop); // a redelivery of one app's announcement is not a third sync
        record.apply(cartLive);
        assertThat(record.status().status()).isEqualTo(ChainStatus.LIVE);
        assertThat(record.status().at()).isEqualTo(T0.plusMillis(3000));
        assertThat(keys(record)).containsExactly("push", "sync:config/main#shop", "sync:config/main#cart",
                "deploy:dev/shop", "deploy:dev/cart");
        assertThat(new ChainTimeline(record).stages(new TestLinks())).filteredOn(st -> st.key().startsWith("sync"))
                .extracting(Views.Stage::app).containsExactly("shop", "cart");
        assertThat(EventSummaries.summary(cart)).startsWith("cart: config/main@0fb1cc4 SYNCED");
    }

    private static List<String> keys(ChainRecord record) {
        List<String> keys = new ArrayList<>();
        for (Views.Stage stage : new ChainTimeline(record).stages(new TestLinks())) {
            keys.add(stage.key());
        }
        return keys;
    }

    /** Links that give none: the stages only. */
    static final class TestLinks extends Links {
        TestLinks() {
            super(null);
        }

        @Override
        Map<String, String> commit(String repository, String cloneUrl, String commit) {
            return Map.of();
        }

        @Override
        Map<String, String> configCommit(String repository, String commit) {
            return Map.of();
        }

        @Override
        Map<String, String> image(String registry, String name, String tag, String digest) {
            return Map.of();
        }

        @Override
        Map<String, String> marathonApp(String environment, String appId, DeploymentTarget target) {
            return Map.of();
        }
    }
}
