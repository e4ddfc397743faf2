package dev.quayside.notifier.mail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.notifier.support.PlainSmtpProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

/**
 * SMTP credentials with {@code start-tls=OPTIONAL} against a server without STARTTLS would log in in plain text: the
 * notifier refuses to start (exit code 1), naming the properties to set; the password is not in its output.
 */
@QuarkusMainTest
@TestProfile(PlainSmtpProfile.OptionalStartTls.class)
class SmtpCredentialsWithoutTlsTest {

    @Test
    @Launch(value = {}, exitCode = 1)
    void theNotifierRefusesToStart(LaunchResult result) {
        assertThat(result.getErrorOutput() + result.getOutput())
                .contains("quarkus.mailer.username / quarkus.mailer.password")
                .contains("quarkus.mailer.start-tls is OPTIONAL")
                .contains("quarkus.mailer.start-tls=REQUIRED", "quarkus.mailer.tls=true")
                .doesNotContain(dev.quayside.notifier.support.NotifierTestResources.SMTP_PASSWORD);
    }
}
