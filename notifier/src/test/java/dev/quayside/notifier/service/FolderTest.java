package dev.quayside.notifier.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FolderTest {

    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    final List<Folder.Due> due = new CopyOnWriteArrayList<>();
    final Folder folder = new Folder(Clock.systemUTC(), timer, (d, at) -> due.add(d));

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void theFirstGoesOutTheRestOfTheWindowIsHeldForOneDigest() {
        Duration quiet = Duration.ofMillis(300);
        assertThat(folder.offer("g", "chat", quiet, false, n("1"))).isEqualTo(Folder.Decision.SEND);
        assertThat(folder.offer("g", "chat", quiet, false, n("2"))).isEqualTo(Folder.Decision.FOLD);
        assertThat(folder.offer("g", "chat", quiet, false, n("3"))).isEqualTo(Folder.Decision.FOLD);
        assertThat(folder.offer("other", "chat", quiet, false, n("4"))).isEqualTo(Folder.Decision.SEND);
        await().atMost(Duration.ofSeconds(5)).until(() -> due.size() == 1);
        assertThat(due.get(0).channel()).isEqualTo("chat");
        assertThat(due.get(0).held()).extracting(Notification::id).containsExactly("2", "3");
        // the group stays quiet for one more period after a digest, then closes
        assertThat(folder.offer("g", "chat", quiet, false, n("5"))).isEqualTo(Folder.Decision.FOLD);
        await().atMost(Duration.ofSeconds(5)).until(() -> due.size() == 2 && folder.openGroups() == 0);
        assertThat(due.get(1).held()).extracting(Notification::id).containsExactly("5");
        assertThat(folder.offer("g", "chat", quiet, false, n("6"))).isEqualTo(Folder.Decision.SEND);
    }

    @Test
    void aZeroWindowTurnsFoldingOff() {
        assertThat(folder.offer("g", "chat", Duration.ZERO, false, n("1"))).isEqualTo(Folder.Decision.SEND);
        assertThat(folder.offer("g", "chat", Duration.ZERO, false, n("2"))).isEqualTo(Folder.Decision.SEND);
        assertThat(folder.openGroups()).isZero();
    }

    @Test
    void failuresAreGroupedPerAppAndEnvironmentOthersPerTypeAndOutcome() {
        EventFacts failedA = RoutingRulesTest.facts(RoutingRulesTest.build("a",
                dev.quayside.events.BuildOutcome.FAILURE));
        EventFacts failedB = RoutingRulesTest.facts(RoutingRulesTest.build("b",
                dev.quayside.events.BuildOutcome.FAILURE));
        EventFacts okA = RoutingRulesTest.facts(RoutingRulesTest.build("a", dev.quayside.events.BuildOutcome.SUCCESS));
        EventFacts okB = RoutingRulesTest.facts(RoutingRulesTest.build("b", dev.quayside.events.BuildOutcome.SUCCESS));
        assertThat(Folder.groupKey("c", failedA)).isNotEqualTo(Folder.groupKey("c", failedB));
        assertThat(Folder.groupKey("c", okA)).isEqualTo(Folder.groupKey("c", okB));
        assertThat(Folder.groupKey("c", okA)).isNotEqualTo(Folder.groupKey("d", okA));
    }

    static Notification n(String id) {
        return new Notification(id, "build-finished", "t" + id, "", "", List.of(), List.of(), false, 1);
    }
}
