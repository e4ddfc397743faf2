package dev.quayside.notifier.support;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * The notifier's outside world for tests: GreenMail as a real SMTP server over TLS (SMTPS, with a user, so the mailer
 * authenticates, which the notifier allows over TLS only) and the loopback chat receivers, both on 127.0.0.1; wires the channels of {@code notifier-rules.yaml} to them.
 */
public class NotifierTestResources implements QuarkusTestResourceLifecycleManager {

    public static final String SMTP_USER = "notifier";
    public static final String SMTP_PASSWORD = "s3cret-smtp";
    public static final String HOOK_SECRET = "hook-secret-for-tests";

    private GreenMail greenMail;
    private LoopbackReceivers receivers;

    @Override
    public Map<String, String> start() {
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS).dynamicPort());
        greenMail.start();
        greenMail.setUser("quayside@localhost", SMTP_USER, SMTP_PASSWORD);
        receivers = new LoopbackReceivers();
        receivers.answer("/down", 503);
        receivers.answer("/rejects", 400);

        Map<String, String> config = new HashMap<>();
        config.put("quarkus.mailer.host", "127.0.0.1");
        config.put("quarkus.mailer.port", Integer.toString(greenMail.getSmtps().getPort()));
        config.put("quarkus.mailer.username", SMTP_USER);
        config.put("quarkus.mailer.password", SMTP_PASSWORD);
        config.put("quarkus.mailer.auth-methods", "PLAIN LOGIN");
        // TLS from the first byte; GreenMail's certificate is its own, self-signed one
        config.put("quarkus.mailer.tls", "true");
        config.put("quarkus.mailer.trust-all", "true");
        config.put("quarkus.mailer.from", "quayside@localhost");
        // no reverse DNS look-up of this host for EHLO
        config.put("quarkus.mailer.own-host-name", "localhost");
        channel(config, "slack", "slack", receivers.url("/slack/T000/B000/XXXX"));
        channel(config, "mattermost", "mattermost", receivers.url("/mattermost/hooks/abc"));
        channel(config, "teams", "teams", receivers.url("/teams/workflows/abc"));
        channel(config, "gchat", "google-chat", receivers.url("/gchat/v1/spaces/AAA/messages"));
        channel(config, "hook", "webhook", receivers.url("/hook"));
        config.put("quayside.notifier.channels.hook.secret", HOOK_SECRET);
        channel(config, "down", "slack", receivers.url("/down"));
        channel(config, "bench", "slack", receivers.url("/bench"));
        channel(config, "rejects", "mattermost", receivers.url("/rejects"));
        config.put("quayside.notifier.channels.mail.type", "email");
        config.put("quayside.notifier.channels.mail.to", "oncall@example.org,shop-team@example.org");
        // log tails are opt-in per channel: these four show them, slack and hook do not
        config.put("quayside.notifier.channels.gchat.include-log-tail", "true");
        config.put("quayside.notifier.channels.mail.include-log-tail", "true");
        config.put("quayside.notifier.channels.mattermost.include-log-tail", "true");
        config.put("quayside.notifier.channels.teams.include-log-tail", "true");
        // commit statuses: one channel per Git host, and two that fail (503, then 422)
        receivers.answer("/status-down", 503);
        receivers.answer("/status-rejects", 422);
        commitStatus(config, "github", "github", receivers.url("/github"));
        commitStatus(config, "gitlab", "gitlab", receivers.url("/gitlab"));
        commitStatus(config, "gitea", "gitea", receivers.url("/gitea"));
        commitStatus(config, "bitbucket-cloud", "bitbucket-cloud", receivers.url("/bitbucket-cloud"));
        config.put("quayside.notifier.channels.bitbucket-cloud.username", "quayside-bot");
        commitStatus(config, "bitbucket-server", "bitbucket-server", receivers.url("/bitbucket-server"));
        commitStatus(config, "status-down", "github", receivers.url("/status-down"));
        config.put("quayside.notifier.channels.status-down.repository", "team/{repository}");
        commitStatus(config, "status-rejects", "gitlab", receivers.url("/status-rejects"));
        config.put("quayside.notifier.channels.status-rejects.repository", "team/{repository}");
        config.put("quayside.notifier.rules-file", "src/test/resources/notifier-rules.yaml");
        config.put("quayside.notifier.templates-dir", "src/test/resources/templates-override");
        config.put("quayside.notifier.digest.window", "2s");
        config.put("quayside.notifier.digest.remind-every", "3s");
        config.put("quayside.notifier.retry.max-retries", "2");
        config.put("quayside.notifier.retry.initial-delay", "100ms");
        config.put("quayside.notifier.retry.max-delay", "300ms");
        config.put("quayside.notifier.retry.request-timeout", "2s");
        config.put("quayside.notifier.links.image", "http://127.0.0.1:5000/v2/{app}/tags/list");
        config.put("quayside.notifier.links.deployment", "http://127.0.0.1:8080/ui/#/apps/{targetId}");
        return config;
    }

    private static void commitStatus(Map<String, String> config, String name, String host, String url) {
        channel(config, name, "commit-status", url);
        config.put("quayside.notifier.channels." + name + ".host", host);
        config.put("quayside.notifier.channels." + name + ".token", tokenOf(name));
        config.put("quayside.notifier.channels." + name + ".context", "quayside");
        config.put("quayside.notifier.channels." + name + ".target-url", "http://127.0.0.1:8088/api/chains/{chainId}");
    }

    /** The API token the commit-status channel {@code name} is configured with. */
    public static String tokenOf(String name) {
        return "token-of-" + name;
    }

    private static void channel(Map<String, String> config, String name, String type, String url) {
        config.put("quayside.notifier.channels." + name + ".type", type);
        config.put("quayside.notifier.channels." + name + ".url", url);
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(greenMail, new TestInjector.MatchesType(GreenMail.class));
        injector.injectIntoFields(receivers, new TestInjector.MatchesType(LoopbackReceivers.class));
    }

    @Override
    public void stop() {
        if (greenMail != null) {
            greenMail.stop();
        }
        if (receivers != null) {
            receivers.close();
        }
    }
}
