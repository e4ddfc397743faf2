package dev.quayside.kit.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The waits between attempts, on a fake clock. */
class JitteredBackoffTest {

    static final RuntimeException FAILURE = new RuntimeException("down");

    @Test
    void withoutJitterTheWaitsDoubleUpToTheMaxDelay() {
        RetryPolicy policy = RetryPolicy.of(Duration.ofMillis(500), 2, Duration.ofSeconds(30), Duration.ZERO, -1, 0);
        JitteredBackoff backoff = new JitteredBackoff(policy, new Random(1), () -> 0L);
        backoff.init(500);
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            waits.add(backoff.nextDelayInMillis(FAILURE));
        }
        assertThat(waits).containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L, 30000L);
    }

    @Test
    void jitterStaysWithinItsFractionEitherWayAndVaries() {
        RetryPolicy policy = RetryPolicy.defaults().withMaxDuration(Duration.ZERO);
        List<Long> firsts = new ArrayList<>();
        Random seeds = new Random(42);
        for (int caller = 0; caller < 500; caller++) {
            JitteredBackoff backoff = new JitteredBackoff(policy, new Random(seeds.nextLong()), () -> 0L);
            backoff.init(500);
            long first = backoff.nextDelayInMillis(FAILURE);
            long second = backoff.nextDelayInMillis(FAILURE);
            assertThat(first).isBetween(400L, 600L);
            assertThat(second).isBetween(800L, 1200L);
            for (int i = 0; i < 10; i++) {
                assertThat(backoff.nextDelayInMillis(FAILURE)).isBetween(0L, 36_000L);
            }
            assertThat(backoff.nextDelayInMillis(FAILURE)).as("capped at max delay, then jittered")
                    .isBetween(24_000L, 36_000L);
            firsts.add(first);
        }
        assertThat(firsts.stream().distinct().count()).as("callers that failed together spread out").isGreaterThan(50);
        assertThat(firsts.stream().mapToLong(Long::longValue).min().orElseThrow()).isLessThan(450);
        assertThat(firsts.stream().mapToLong(Long::longValue).max().orElseThrow()).isGreaterThan(550);
    }

    @Test
    void noWaitReachesPastTheBudgetSoTheLastAttemptHappensAtItsEnd() {
        AtomicLong now = new AtomicLong();
        JitteredBackoff backoff = doublingFromOneSecond(Duration.ofSeconds(10), now);
        backoff.init(1000);
        long total = 0;
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long wait = backoff.nextDelayInMillis(FAILURE);
            waits.add(wait);
            total += wait;
            now.addAndGet(Duration.ofMillis(wait).toNanos());
        }
        assertThat(waits).containsExactly(1000L, 2000L, 4000L, 3000L, 0L);
        assertThat(total).isEqualTo(10_000);
    }

    @Test
    void theBudgetStartsWithEachCall() {
        AtomicLong now = new AtomicLong();
        JitteredBackoff backoff = doublingFromOneSecond(Duration.ofSeconds(3), now);
        now.set(Duration.ofHours(1).toNanos());
        backoff.init(1000);
        assertThat(backoff.nextDelayInMillis(FAILURE)).isEqualTo(1000);
        assertThat(backoff.nextDelayInMillis(FAILURE)).isEqualTo(2000);
    }

    @Test
    void aCallerThatRetriesByItselfGetsTheSameWaitsUntilItsRetriesRunOut() {
        RetryPolicy policy = RetryPolicy.of(Duration.ofMillis(200), 2, Duration.ofSeconds(1), Duration.ZERO, 4, 0);
        JitteredBackoff waits = JitteredBackoff.start(policy);
        List<Duration> given = new ArrayList<>();
        for (Optional<Duration> wait = waits.next(); wait.isPresent(); wait = waits.next()) {
            given.add(wait.get());
        }
        assertThat(given).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800),
                Duration.ofSeconds(1));
        assertThat(waits.retries()).isEqualTo(4);
    }

    @Test
    void aCallerThatRetriesByItselfStopsWhenTheBudgetIsUsedUp() {
        AtomicLong now = new AtomicLong();
        JitteredBackoff waits = doublingFromOneSecond(Duration.ofSeconds(3), now);
        assertThat(waits.next()).hasValue(Duration.ofSeconds(1));
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(waits.next()).as("cut at the budget's end").hasValue(Duration.ofSeconds(2));
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(waits.next()).isEmpty();
    }

    /** Waits from 1 s, doubling, up to 30 s, within {@code budget}, on the fake clock {@code now}. */
    private static JitteredBackoff doublingFromOneSecond(Duration budget, AtomicLong now) {
        RetryPolicy policy = RetryPolicy.of(Duration.ofSeconds(1), 2, Duration.ofSeconds(30), budget, -1, 0);
        return new JitteredBackoff(policy, new Random(), now::get);
    }
}
