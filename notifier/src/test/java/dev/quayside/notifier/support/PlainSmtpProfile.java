package dev.quayside.notifier.support;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.quayside.devstack.kafka.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The notifier with SMTP credentials, a GreenMail SMTP server that offers no STARTTLS (plain text only) and one rule
 * that mails every failed build; {@code quarkus.mailer.start-tls} as the subclass says. Only the real broker besides.
 */
public abstract class PlainSmtpProfile implements QuarkusTestProfile {

    /** {@code quarkus.mailer.start-tls} of this profile. */
    protected abstract String startTls();

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.mailer.start-tls", startTls());
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(KafkaBrokerResource.class), new TestResourceEntry(Server.class));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }

    /** start-tls=OPTIONAL (Quarkus' default): the notifier must refuse to start. */
    public static class OptionalStartTls extends PlainSmtpProfile {

        @Override
        protected String startTls() {
            return "OPTIONAL";
        }
    }

    /** start-tls=REQUIRED: the notifier starts, and no mail (no login) goes to a server without STARTTLS. */
    public static class RequiredStartTls extends PlainSmtpProfile {

        @Override
        protected String startTls() {
            return "REQUIRED";
        }
    }

    /** GreenMail over plain SMTP, with the notifier's user. */
    public static class Server implements QuarkusTestResourceLifecycleManager {

        private GreenMail greenMail;

        @Override
        public Map<String, String> start() {
            greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
            greenMail.start();
            greenMail.setUser("quayside@localhost", NotifierTestResources.SMTP_USER,
                    NotifierTestResources.SMTP_PASSWORD);
            Map<String, String> config = new HashMap<>();
            config.put("quarkus.mailer.host", "127.0.0.1");
            config.put("quarkus.mailer.port", Integer.toString(greenMail.getSmtp().getPort()));
            config.put("quarkus.mailer.username", NotifierTestResources.SMTP_USER);
            config.put("quarkus.mailer.password", NotifierTestResources.SMTP_PASSWORD);
            config.put("quarkus.mailer.auth-methods", "PLAIN LOGIN");
            config.put("quarkus.mailer.own-host-name", "localhost");
            config.put("quayside.notifier.channels.mail.type", "email");
            config.put("quayside.notifier.channels.mail.to", "oncall@example.org");
            config.put("quayside.notifier.rules.failed-builds.types", "build-finished");
            config.put("quayside.notifier.rules.failed-builds.outcomes", "failure");
            config.put("quayside.notifier.rules.failed-builds.channels", "mail");
            config.put("quayside.notifier.retry.max-retries", "0");
            return config;
        }

        @Override
        public void inject(TestInjector injector) {
            injector.injectIntoFields(greenMail, new TestInjector.MatchesType(GreenMail.class));
        }

        @Override
        public void stop() {
            if (greenMail != null) {
                greenMail.stop();
            }
        }
    }
}
