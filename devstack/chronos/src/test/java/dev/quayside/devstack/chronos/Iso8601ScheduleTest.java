package dev.quayside.devstack.chronos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Chronos' {@code R[n]/start/period} schedules: what parses, what each bad one gets. */
class Iso8601ScheduleTest {

    @Test
    void parsesRepetitionsStartAndPeriod() {
        Iso8601Schedule s = Iso8601Schedule.parse("R10/2012-10-01T05:52:00Z/PT2S", null);
        assertThat(s.repetitions()).isEqualTo(10);
        assertThat(s.start()).isEqualTo(Instant.parse("2012-10-01T05:52:00Z"));
        assertThat(s.next(s.start())).isEqualTo(Instant.parse("2012-10-01T05:52:02Z"));
        assertThat(s.fixedStep()).isEqualTo(Duration.ofSeconds(2));
        Iso8601Schedule forever = Iso8601Schedule.parse("R/2014-03-08T20:00:00.000Z/P1DT2H", "UTC");
        assertThat(forever.repetitions()).isEqualTo(-1);
        assertThat(forever.fixedStep()).isEqualTo(Duration.ofHours(26));
        Iso8601Schedule monthly = Iso8601Schedule.parse("R/2024-01-31T00:00:00Z/P1M", null);
        assertThat(monthly.fixedStep()).isNull();
        assertThat(monthly.next(monthly.start())).isEqualTo(Instant.parse("2024-02-29T00:00:00Z"));
        Iso8601Schedule local = Iso8601Schedule.parse("R1/2024-06-01T12:00:00/PT1H", "Europe/Paris");
        assertThat(local.start()).isEqualTo(Instant.parse("2024-06-01T10:00:00Z"));
        assertThat(Iso8601Schedule.parse("R2//PT1S", null).start()).isBeforeOrEqualTo(Instant.now());
    }

    @Test
    void badSchedulesSayWhy() {
        assertThatThrownBy(() -> Iso8601Schedule.parse("every day", null)).hasMessageContaining("R[n]/<start>/<period>");
        assertThatThrownBy(() -> Iso8601Schedule.parse("R/2030-13-01T00:00:00Z/P1D", null))
                .hasMessageContaining("is not an ISO-8601 date-time");
        assertThatThrownBy(() -> Iso8601Schedule.parse("R/2030-01-01T00:00:00Z/P1X", null))
                .hasMessageContaining("is not an ISO-8601 duration");
        assertThatThrownBy(() -> Iso8601Schedule.parse("R/2030-01-01T00:00:00Z/PT0S", null))
                .hasMessageContaining("must be positive");
        assertThatThrownBy(() -> Iso8601Schedule.parse("R/2030-01-01T00:00:00Z/PT1S", "Mars/Olympus"))
                .hasMessageContaining("is not a time zone");
        assertThatThrownBy(() -> Iso8601Schedule.parse(null, null)).hasMessage("schedule is missing");
    }

    @Test
    void anOldInfiniteScheduleIsAcceptedWithoutWalkingEveryMissedRun() {
        ChronosScheduler scheduler = new ChronosScheduler(null, "unit", null);
        long start = System.nanoTime();
        scheduler.put(new io.vertx.core.json.JsonObject().put("name", "old").put("command", "true")
                .put("schedule", "R/2012-10-01T05:52:00Z/PT1S"), false);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        scheduler.put(new io.vertx.core.json.JsonObject().put("name", "spent").put("command", "true")
                .put("schedule", "R10/2012-10-01T05:52:00Z/PT2S"), false);
        assertThat(scheduler.list("old")).hasSize(1);
        scheduler.close(false);
    }
}
