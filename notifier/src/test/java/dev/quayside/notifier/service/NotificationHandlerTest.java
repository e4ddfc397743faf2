package dev.quayside.notifier.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ServiceDeployed;
import dev.quayside.kit.messaging.Outcome;
import dev.quayside.notifier.support.TestEvents;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/** What the consumer shell is told once every channel of an event has settled. */
class NotificationHandlerTest {

    static final EventEnvelope<ServiceDeployed> EVENT = TestEvents.single(
            new ServiceDeployed(TestEvents.deployment("shop", "qa", 1000)));

    @Test
    void everyChannelSettledIsNothingToAnnounce() {
        assertThat(NotificationHandler.outcome(EVENT, List.of(), false)).isEqualTo(Outcome.nothing());
    }

    @Test
    void aChannelThatFailedForGoodDeadLettersTheRecordWithTheReasons() {
        Outcome outcome = NotificationHandler.outcome(EVENT, List.of("channel 'a': HTTP 503", "channel 'b': HTTP 400"),
                false);
        assertThat(outcome.isTerminal()).isTrue();
        assertThat(outcome.events()).isEmpty();
        assertThat(outcome.terminalFailure()).isEqualTo("SERVICE_DEPLOYED " + EVENT.id()
                + " not delivered: channel 'a': HTTP 503; channel 'b': HTTP 400");
    }

    @Test
    void aFailureWhileStoppingLeavesTheRecordToComeAgain() {
        assertThatThrownBy(() -> NotificationHandler.outcome(EVENT, List.of("channel 'a': connection closed"), true))
                .isInstanceOf(CancellationException.class).hasMessageContaining("channel 'a'");
    }

    @Test
    void onlyAnEventDatedBeforeTheBaselineIsSkipped() {
        Instant baseline = Instant.parse("2026-12-05T12:00:00Z");
        assertThat(NotificationHandler.beforeBaseline(baseline.minusMillis(1), baseline)).isTrue();
        assertThat(NotificationHandler.beforeBaseline(baseline, baseline)).as("at the baseline").isFalse();
        assertThat(NotificationHandler.beforeBaseline(baseline.plusSeconds(1), baseline)).isFalse();
        assertThat(NotificationHandler.beforeBaseline(null, baseline)).as("an event without a time").isFalse();
    }
}
