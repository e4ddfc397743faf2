package dev.quayside.edgerouter.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class QuietPeriodTest {

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void aBurstGivesOneRun() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        QuietPeriod quiet = new QuietPeriod(Duration.ofMillis(150), Duration.ofSeconds(5), executor,
                runs::incrementAndGet);
        for (int i = 0; i < 20; i++) {
            quiet.signal();
            Thread.sleep(5);
        }
        Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> runs.get() == 1);
        Thread.sleep(300);
        assertThat(runs.get()).isEqualTo(1);
    }

    @Test
    void aChangeThatNeverStopsStillRendersByMax() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        QuietPeriod quiet = new QuietPeriod(Duration.ofMillis(100), Duration.ofMillis(300), executor,
                runs::incrementAndGet);
        long start = System.nanoTime();
        while (runs.get() == 0 && System.nanoTime() - start < 2_000_000_000L) {
            quiet.signal();
            Thread.sleep(20);
        }
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(runs.get()).isEqualTo(1);
        assertThat(elapsedMillis).isBetween(250L, 900L);
    }

    @Test
    void minAboveMaxIsRejected() {
        assertThatThrownBy(() -> new QuietPeriod(Duration.ofSeconds(2), Duration.ofSeconds(1), executor, () -> {
        })).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("wait period needs 0 <= min <= max, got min PT2S, max PT1S");
    }
}
