package dev.quayside.notifier.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.notifier.config.ChannelType;
import dev.quayside.notifier.config.NotifierConfig.ChannelConfig;
import dev.quayside.notifier.support.Configs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each badly configured channel gets: a message naming the channel and the key, never the URL or secret. */
class DeliveriesTest {

    @Test
    void badChannelsAreNamedWithTheKeyToSet() {
        Map<String, ChannelConfig> channels = new LinkedHashMap<>();
        channels.put("ok", channel(ChannelType.SLACK, "https://hooks.slack.com/services/T/B/SECRET", null, null));
        channels.put("nourl", channel(ChannelType.TEAMS, null, null, null));
        channels.put("relative", channel(ChannelType.MATTERMOST, "hooks/SECRET", null, null));
        channels.put("ftp", channel(ChannelType.GOOGLE_CHAT, "ftp://chat.example/SECRET", null, null));
        channels.put("unsigned", channel(ChannelType.WEBHOOK, "https://example.org/hook", null, null));
        channels.put("nobody", channel(ChannelType.EMAIL, null, null, List.of()));
        channels.put("mail", channel(ChannelType.EMAIL, null, null, List.of("a@example.org")));
        assertThat(Deliveries.problems(channels)).containsExactly(
                "channel 'nourl' (teams) needs quayside.notifier.channels.nourl.url",
                "channel 'relative' needs an absolute http(s) url",
                "channel 'ftp' needs an absolute http(s) url",
                "channel 'unsigned' (webhook) needs quayside.notifier.channels.unsigned.secret for the HMAC signature",
                "channel 'nobody' (email) needs quayside.notifier.channels.nobody.to");
        assertThat(String.join(" ", Deliveries.problems(channels))).doesNotContain("SECRET");
    }

    @Test
    void badCommitStatusChannelsAreNamedWithTheKeyToSet() {
        Map<String, ChannelConfig> channels = new LinkedHashMap<>();
        channels.put("ok", statusChannel(Map.of("host", "github", "token", "SECRET-TOKEN")));
        channels.put("nohost", statusChannel(Map.of("token", "SECRET-TOKEN")));
        channels.put("notoken", statusChannel(Map.of("host", "gitlab")));
        channels.put("blank", statusChannel(Map.of("host", "gitea", "token", " ")));
        channels.put("nolink", statusChannel(Map.of("host", "bitbucket-server", "token", "SECRET-TOKEN")));
        channels.put("linked", statusChannel(Map.of("host", "bitbucket-cloud", "token", "SECRET-TOKEN",
                "target-url", "https://board.example/api/chains/{chainId}")));
        assertThat(Deliveries.problems(channels)).containsExactly(
                "channel 'nohost' (commit-status) needs quayside.notifier.channels.nohost.host: one of github, gitlab, "
                        + "gitea, bitbucket-cloud, bitbucket-server",
                "channel 'notoken' (commit-status) needs quayside.notifier.channels.notoken.token, the Git host's API token "
                        + "(${file::<path>} reads it from a file)",
                "channel 'blank' (commit-status) needs quayside.notifier.channels.blank.token, the Git host's API token "
                        + "(${file::<path>} reads it from a file)",
                "channel 'nolink' (bitbucket-server) needs quayside.notifier.channels.nolink.target-url: Bitbucket requires "
                        + "each build status to link somewhere");
        assertThat(String.join(" ", Deliveries.problems(channels))).doesNotContain("SECRET");
    }

    /** A commit-status channel (named {@code c}) to https://git.example.org with these settings. */
    static ChannelConfig statusChannel(Map<String, String> settings) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("quayside.notifier.channels.c.type", "commit-status");
        properties.put("quayside.notifier.channels.c.url", "https://git.example.org");
        settings.forEach((k, v) -> properties.put("quayside.notifier.channels.c." + k, v));
        return Configs.notifier(properties).channels().get("c");
    }

    static ChannelConfig channel(ChannelType type, String url, String secret, List<String> to) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("quayside.notifier.channels.c.type", type.name().toLowerCase().replace('_', '-'));
        if (url != null) {
            properties.put("quayside.notifier.channels.c.url", url);
        }
        if (secret != null) {
            properties.put("quayside.notifier.channels.c.secret", secret);
        }
        if (to != null && !to.isEmpty()) {
            properties.put("quayside.notifier.channels.c.to", String.join(",", to));
        }
        return Configs.notifier(properties).channels().get("c");
    }
}
