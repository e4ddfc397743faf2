package dev.quayside.configsyncer.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeploymentWindowTest {

    /** Weekdays 09:00 to 17:00 in Berlin (CET in winter, UTC+1). */
    private static final DeploymentWindow OFFICE_HOURS = DeploymentWindow.of("0 9 * * 1-5", Duration.ofHours(8),
            "Europe/Berlin");

    @Test
    void openFromEachStartOfTheScheduleForItsDurationInItsTimeZone() {
        // Monday 7 December 2026
        assertThat(OFFICE_HOURS.isOpen(Instant.parse("2026-12-07T07:59:59Z"))).as("08:59:59 Berlin").isFalse();
        assertThat(OFFICE_HOURS.isOpen(Instant.parse("2026-12-07T08:00:00Z"))).as("09:00 Berlin").isTrue();
        assertThat(OFFICE_HOURS.isOpen(Instant.parse("2026-12-07T08:00:30Z"))).as("09:00:30 Berlin").isTrue();
        assertThat(OFFICE_HOURS.isOpen(Instant.parse("2026-12-07T15:59:59Z"))).as("16:59:59 Berlin").isTrue();
        assertThat(OFFICE_HOURS.isOpen(Instant.parse("2026-12-07T16:00:00Z"))).as("17:00 Berlin").isFalse();
        // Sunday 6 December 2026, midday
        assertThat(OFFICE_HOURS.isOpen(Instant.parse("2026-12-06T11:00:00Z"))).as("Sunday").isFalse();
        // a window longer than a day's gap: Friday 09:00 + 72 h covers the weekend
        DeploymentWindow weekend = DeploymentWindow.of("0 9 * * 5", Duration.ofHours(72), "UTC");
        assertThat(weekend.isOpen(Instant.parse("2026-12-06T11:00:00Z"))).as("Sunday, in Friday's window").isTrue();
        assertThat(weekend.isOpen(Instant.parse("2026-12-07T09:00:00Z"))).as("Monday 09:00, 72 h later").isFalse();
    }

    @Test
    void noWindowsAllowAnyTimeAndSeveralAllowWhileOneIsOpen() {
        Instant sundayNoon = Instant.parse("2026-12-06T12:00:00Z");
        assertThat(DeploymentWindow.allows(List.of(), sundayNoon)).isTrue();
        assertThat(DeploymentWindow.allows(List.of(OFFICE_HOURS), sundayNoon)).isFalse();
        assertThat(DeploymentWindow.allows(List.of(OFFICE_HOURS,
                DeploymentWindow.of("0 12 * * 0", Duration.ofMinutes(30), "UTC")), sundayNoon)).isTrue();
    }

    @Test
    void badWindowsSayWhatIsWrong() {
        assertThatThrownBy(() -> DeploymentWindow.of("0 9 * *", Duration.ofHours(1), "UTC"))
                .hasMessageContaining("is not a five-field cron expression");
        assertThatThrownBy(() -> DeploymentWindow.of("61 9 * * *", Duration.ofHours(1), "UTC"))
                .hasMessageContaining("is not a five-field cron expression");
        assertThatThrownBy(() -> DeploymentWindow.of("0 9 * * *", Duration.ofDays(8), "UTC"))
                .hasMessageContaining("at most 7d");
        assertThatThrownBy(() -> DeploymentWindow.of("0 9 * * *", Duration.ofHours(1), "Mars/Olympus"))
                .hasMessageContaining("is not a time zone");
    }
}
