package dev.quayside.notifier.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** SMTP credentials never cross the network unencrypted: the mailer settings the notifier refuses to start with. */
class SmtpClientTest {

    static final Optional<String> USER = Optional.of("notifier");
    static final Optional<String> PASSWORD = Optional.of("s3cret");

    @Test
    void credentialsWithOptionalOrDisabledStartTlsAreRefusedNamingTheProperties() {
        for (String startTls : new String[] {"OPTIONAL", "DISABLED", "optional"}) {
            assertThat(SmtpClient.transportProblem(USER, PASSWORD, startTls, false, false)).as(startTls)
                    .hasValueSatisfying(problem -> assertThat(problem)
                            .contains("quarkus.mailer.username", "quarkus.mailer.password")
                            .contains("quarkus.mailer.start-tls is " + startTls.toUpperCase())
                            .contains("quarkus.mailer.start-tls=REQUIRED", "quarkus.mailer.tls=true")
                            .doesNotContain("s3cret"));
        }
        assertThat(SmtpClient.transportProblem(USER, Optional.empty(), "OPTIONAL", false, false)).isPresent();
        assertThat(SmtpClient.transportProblem(Optional.empty(), PASSWORD, "OPTIONAL", false, false)).isPresent();
    }

    @Test
    void credentialsNeedRequiredStartTlsOrTls() {
        assertThat(SmtpClient.transportProblem(USER, PASSWORD, "REQUIRED", false, false)).isEmpty();
        assertThat(SmtpClient.transportProblem(USER, PASSWORD, "OPTIONAL", true, false)).isEmpty();
        assertThat(SmtpClient.transportProblem(USER, PASSWORD, "DISABLED", true, false)).isEmpty();
    }

    @Test
    void withoutCredentialsOrWithTheMockMailerThereIsNothingToProtect() {
        assertThat(SmtpClient.transportProblem(Optional.empty(), Optional.empty(), "OPTIONAL", false, false)).isEmpty();
        assertThat(SmtpClient.transportProblem(Optional.of(" "), Optional.empty(), "DISABLED", false, false)).isEmpty();
        assertThat(SmtpClient.transportProblem(USER, PASSWORD, "OPTIONAL", false, true)).isEmpty();
    }
}
