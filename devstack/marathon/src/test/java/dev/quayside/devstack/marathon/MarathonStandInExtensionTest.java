package dev.quayside.devstack.marathon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.devstack.mesos.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The JUnit extension in its plain form: parameters injected, one stand-in for the class. */
@ExtendWith(MarathonStandInExtension.class)
class MarathonStandInExtensionTest {

    @Test
    void injectsTheUrlsAndTheStandIn(String marathonUrl, String chronosUrl, MarathonStandIn standIn) {
        assertThat(marathonUrl).isEqualTo(standIn.marathonUrl()).startsWith("http://127.0.0.1:");
        assertThat(chronosUrl).isEqualTo(standIn.chronosUrl()).isNotEqualTo(marathonUrl);
        assertThat(Http.get(marathonUrl + "/v2/apps").body()).isEqualTo("{\"apps\":[]}");
    }

    @Test
    void theSameStandInServesTheWholeClass(MarathonStandIn standIn) {
        assertThat(Http.get(standIn.marathonUrl() + "/ping").body()).isEqualTo("pong");
    }
}
