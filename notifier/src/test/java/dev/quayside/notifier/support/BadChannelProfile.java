package dev.quayside.notifier.support;

import dev.quayside.devstack.kafka.KafkaBrokerResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The notifier with one badly configured channel {@code git} (the default rules' channel) and only the real broker
 * besides; the subclass gives the channel's settings.
 */
public abstract class BadChannelProfile implements QuarkusTestProfile {

    /** The settings of channel {@code git}, without the {@code quayside.notifier.channels.git.} prefix. */
    protected abstract Map<String, String> channel();

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>();
        channel().forEach((key, value) -> config.put("quayside.notifier.channels.git." + key, value));
        config.put("quayside.notifier.default-channel", "git");
        return config;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(KafkaBrokerResource.class));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }

    /** A commit-status channel without its token. */
    public static class CommitStatusWithoutToken extends BadChannelProfile {

        @Override
        protected Map<String, String> channel() {
            return Map.of("type", "commit-status", "host", "github", "url", "http://127.0.0.1:9/");
        }
    }

    /** A commit-status channel whose host is none the notifier knows. */
    public static class UnknownGitHost extends BadChannelProfile {

        public static final String TOKEN = "secret-token-7f3a";

        @Override
        protected Map<String, String> channel() {
            return Map.of("type", "commit-status", "host", "sourceforge", "token", TOKEN, "url",
                    "http://127.0.0.1:9/");
        }
    }
}
