package dev.quayside.kit.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.IncomingEvent;
import dev.quayside.events.Person;
import dev.quayside.events.PipelineEvent;
import dev.quayside.events.TagUpdated;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** The consumer shell's decisions, without Kafka. */
class DecisionsTest {

    static EventEnvelope<CommitPushed> push() {
        CommitPushed data = new CommitPushed("app", "app", "file:///app", "refs/heads/main",
                CommitPushed.RefChange.BRANCH_UPDATED, CommitPushed.ZERO_SHA, "a".repeat(40), List.of(),
                new Person("A", "a@example.org", "a"), "d1", "generic");
        return EventEnvelope.startChain(data, "/test", "c1", Instant.now());
    }

    @Test
    void malformedRecordsAreDeadLetteredOtherTypesSkippedAndTheHandlersTypeHandled() {
        IncomingEvent push = IncomingEvent.decoded(push(), new byte[0]);
        assertThat(Decisions.receive(push, CommitPushed.class)).isEqualTo(Decisions.Received.HANDLE);
        assertThat(Decisions.receive(push, PipelineEvent.class)).as("a handler of every type")
                .isEqualTo(Decisions.Received.HANDLE);
        assertThat(Decisions.receive(push, TagUpdated.class)).isEqualTo(Decisions.Received.SKIP);
        assertThat(Decisions.receive(IncomingEvent.malformed("not JSON", new byte[] {1}), CommitPushed.class))
                .isEqualTo(Decisions.Received.MALFORMED);
        assertThat(Decisions.receive(null, CommitPushed.class)).isEqualTo(Decisions.Received.MALFORMED);
    }

    @Test
    void aFailureIsDeadLetteredUnlessTheServiceIsStopping() {
        assertThat(Decisions.afterFailure(new IllegalStateException("boom"), false))
                .isEqualTo(Decisions.Settle.DEAD_LETTER);
        assertThat(Decisions.afterFailure(new IllegalStateException("boom"), true)).isEqualTo(Decisions.Settle.LEAVE);
        assertThat(Decisions.afterFailure(new IllegalStateException(new InterruptedException()), false))
                .as("interrupted work is being stopped").isEqualTo(Decisions.Settle.LEAVE);
        assertThat(Decisions.afterFailure(new CancellationException(), false)).isEqualTo(Decisions.Settle.LEAVE);
        assertThat(Decisions.afterFailure(new RejectedExecutionException(), false)).isEqualTo(Decisions.Settle.LEAVE);
    }

    @Test
    void theRecordIsAcknowledgedOnlyOnceItsEventsArePublished() {
        Outcome handled = Outcome.of(List.of());
        Outcome terminal = Outcome.terminal("refused");
        assertThat(Decisions.afterPublishing(handled, true, false)).isEqualTo(Decisions.Settle.ACK);
        assertThat(Decisions.afterPublishing(terminal, true, false)).isEqualTo(Decisions.Settle.DEAD_LETTER);
        assertThat(Decisions.afterPublishing(handled, false, false)).as("events not published")
                .isEqualTo(Decisions.Settle.DEAD_LETTER);
        assertThat(Decisions.afterPublishing(handled, false, true)).isEqualTo(Decisions.Settle.LEAVE);
        assertThat(Decisions.afterPublishing(handled, true, true)).as("done work is acknowledged while stopping")
                .isEqualTo(Decisions.Settle.ACK);
    }

    @Test
    void aConsumerThatChoseToHandleAgainHandlesARecordWhoseEventsWereNotPublishedAgain() {
        Decisions.WhenNotPublished again = Decisions.WhenNotPublished.HANDLE_AGAIN;
        Outcome handled = Outcome.of(List.of());
        assertThat(Decisions.afterPublishing(handled, false, false, again)).as("the outcome's events not published")
                .isEqualTo(Decisions.Settle.AGAIN);
        assertThat(Decisions.afterPublishing(Outcome.terminal("refused"), false, false, again))
                .as("nothing is known to be announced: handled again, not dead-lettered")
                .isEqualTo(Decisions.Settle.AGAIN);
        assertThat(Decisions.afterPublishing(handled, false, true, again)).as("stopping")
                .isEqualTo(Decisions.Settle.LEAVE);
        assertThat(Decisions.afterPublishing(handled, true, false, again)).isEqualTo(Decisions.Settle.ACK);
        assertThat(Decisions.afterPublishing(Outcome.terminal("refused"), true, false, again))
                .as("a terminal outcome that was announced").isEqualTo(Decisions.Settle.DEAD_LETTER);

        RuntimeException notPublished = new CompletionException(new EventNotPublishedException(push(), "no ack"));
        assertThat(Decisions.afterFailure(notPublished, false, again)).as("an event the work published itself")
                .isEqualTo(Decisions.Settle.AGAIN);
        assertThat(Decisions.afterFailure(notPublished, true, again)).isEqualTo(Decisions.Settle.LEAVE);
        assertThat(Decisions.afterFailure(new IllegalStateException("boom"), false, again))
                .as("any other failure is still a failure").isEqualTo(Decisions.Settle.DEAD_LETTER);
    }

    @Test
    void everyOtherConsumerDeadLettersARecordWhoseEventsWereNotPublished() {
        Decisions.WhenNotPublished deadLetter = Decisions.WhenNotPublished.DEAD_LETTER;
        RuntimeException notPublished = new EventNotPublishedException(push(), "no ack");
        assertThat(Decisions.afterPublishing(Outcome.nothing(), false, false, deadLetter))
                .isEqualTo(Decisions.Settle.DEAD_LETTER);
        assertThat(Decisions.afterFailure(notPublished, false, deadLetter)).isEqualTo(Decisions.Settle.DEAD_LETTER);
        assertThat(Decisions.afterFailure(notPublished, false)).as("the default").isEqualTo(Decisions.Settle.DEAD_LETTER);
    }

    @Test
    void stageWrappersAreTakenOff() {
        IllegalStateException cause = new IllegalStateException("x");
        assertThat(Decisions.unwrap(new CompletionException(cause))).isSameAs(cause);
        assertThat(Outcome.reason(new IllegalStateException())).isEqualTo("java.lang.IllegalStateException");
        assertThat(Outcome.reason(cause)).isEqualTo("x");
    }
}
