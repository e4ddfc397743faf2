package dev.quayside.devstack.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Go's time.ParseDuration / Duration.String as Consul uses them for ?wait and check intervals. */
class GoDurationTest {

    @Test
    void parsesGoDurations() {
        assertThat(GoDuration.parse("10s")).isEqualTo(10_000_000_000L);
        assertThat(GoDuration.parse("1m30s")).isEqualTo(90_000_000_000L);
        assertThat(GoDuration.parse("250ms")).isEqualTo(250_000_000L);
        assertThat(GoDuration.parse("1.5h")).isEqualTo(5_400_000_000_000L);
        assertThat(GoDuration.parse("0")).isZero();
        assertThat(GoDuration.parse("-5s")).isEqualTo(-5_000_000_000L);
        assertThat(GoDuration.parse("10000ms")).isEqualTo(10_000_000_000L);
    }

    @Test
    void rejectsWhatGoRejects() {
        assertThatThrownBy(() -> GoDuration.parse("10")).hasMessageContaining("missing unit");
        assertThatThrownBy(() -> GoDuration.parse("5parsecs")).hasMessageContaining("unknown unit");
        assertThatThrownBy(() -> GoDuration.parse("")).hasMessageContaining("invalid duration");
        assertThatThrownBy(() -> GoDuration.parse("s")).hasMessageContaining("invalid duration");
        assertThatThrownBy(() -> GoDuration.parse("1..2s")).hasMessageContaining("invalid duration");
    }

    @Test
    void formatsLikeGo() {
        assertThat(GoDuration.format(10_000_000_000L)).isEqualTo("10s");
        assertThat(GoDuration.format(90L * 60 * 1_000_000_000L)).isEqualTo("1h30m0s");
        assertThat(GoDuration.format(250_000_000L)).isEqualTo("250ms");
        assertThat(GoDuration.format(1_500_000_000L)).isEqualTo("1.5s");
        assertThat(GoDuration.format(0)).isEqualTo("0s");
    }
}
