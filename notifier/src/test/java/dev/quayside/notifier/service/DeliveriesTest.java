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
