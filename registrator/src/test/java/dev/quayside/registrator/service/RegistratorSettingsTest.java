package dev.quayside.registrator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What each value of {@code quayside.registrator.deregister} and {@code stop-signals} gets. */
class RegistratorSettingsTest {

    @Test
    void deregisterModes() {
        assertThat(RegistratorSettings.DeregisterMode.parse("always")).isEqualTo(RegistratorSettings.DeregisterMode.ALWAYS);
        assertThat(RegistratorSettings.DeregisterMode.parse(" On-Success "))
                .isEqualTo(RegistratorSettings.DeregisterMode.ON_SUCCESS);
        assertThatThrownBy(() -> RegistratorSettings.DeregisterMode.parse("never"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("quayside.registrator.deregister must be 'always' or 'on-success', not 'never'");
    }

    @Test
    void stopSignalsByNameOrNumberAndABadOneIsAClearError() {
        StopSignals signals = StopSignals.parse(java.util.List.of("TERM", " sigquit ", "28"));
        assertThat(signals.stops("15")).isTrue();
        assertThat(signals.stops("3")).isTrue();
        assertThat(signals.stops("28")).as("WINCH by number").isTrue();
        assertThat(signals.stops("SIGTERM")).isTrue();
        assertThat(signals.stops("1")).as("HUP: a reload").isFalse();
        assertThat(signals.stops(null)).isFalse();
        assertThat(signals.stops("banana")).isFalse();
        assertThatThrownBy(() -> StopSignals.parse(java.util.List.of("TERM", "STOPPY")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("quayside.registrator.stop-signals: 'STOPPY' is not a signal (a name such as TERM or "
                        + "SIGQUIT, or a number 1-64)");
        assertThatThrownBy(() -> StopSignals.parse(java.util.List.of("0"))).isInstanceOf(IllegalArgumentException.class);
    }
}
