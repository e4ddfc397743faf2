package dev.quayside.registrator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What each value of {@code quayside.registrator.deregister} gets. */
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
}
