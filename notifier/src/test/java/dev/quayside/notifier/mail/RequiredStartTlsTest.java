package dev.quayside.notifier.mail;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import dev.quayside.events.BuildFinished;
import dev.quayside.events.EventEnvelope;
import dev.quayside.notifier.support.DeadLetters;
import dev.quayside.notifier.support.PlainSmtpProfile;
import dev.quayside.notifier.support.TestEvents;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * With SMTP credentials and {@code start-tls=REQUIRED}, a server that offers no STARTTLS gets no login and no mail:
 * the delivery fails and the event is dead-lettered with the reason.
 */
@QuarkusTest
@TestProfile(PlainSmtpProfile.RequiredStartTls.class)
class RequiredStartTlsTest {

    GreenMail greenMail;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void noMailGoesToAServerWithoutStartTls() {
        EventEnvelope<BuildFinished> build = TestEvents.single(TestEvents.buildFailed("plain-smtp", TestEvents.sha()));
        try (TestEvents events = new TestEvents(bootstrapServers)) {
            events.publish(build);
        }
        DeadLetters.DeadLetter dead = DeadLetters.await(bootstrapServers, build.id(), Duration.ofSeconds(60));
        assertThat(dead).as("dead letter of %s", build.id()).isNotNull();
        assertThat(dead.reason()).contains("channel 'mail': SMTP").containsIgnoringCase("STARTTLS");
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }
}
