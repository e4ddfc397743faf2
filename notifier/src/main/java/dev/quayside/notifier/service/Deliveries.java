package dev.quayside.notifier.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quayside.notifier.client.ChatPayloads;
import dev.quayside.notifier.client.ChatWebhookClient;
import dev.quayside.notifier.client.GitHostClient;
import dev.quayside.notifier.client.SmtpClient;
import dev.quayside.notifier.config.ChannelType;
import dev.quayside.notifier.config.GitHost;
import dev.quayside.notifier.config.NotifierConfig;
import dev.quayside.notifier.config.NotifierConfig.ChannelConfig;
import io.quarkus.qute.Engine;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Carries a {@link Notification} to one named channel in that channel's format, or an event's {@link CommitStatus}es to
 * a {@code commit-status} channel; checks the channels at startup.
 */
@Startup
@ApplicationScoped
public class Deliveries {

    private final NotifierConfig config;
    private final ChatWebhookClient webhooks;
    private final SmtpClient smtp;
    private final GitHostClient gitHosts;
    private final Engine engine;

    Deliveries(NotifierConfig config, ChatWebhookClient webhooks, SmtpClient smtp, GitHostClient gitHosts,
            Engine engine) {
        this.config = config;
        this.webhooks = webhooks;
        this.gitHosts = gitHosts;
        this.smtp = smtp;
        this.engine = engine;
        List<String> problems = problems(config.channels());
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid notifier channels: " + String.join("; ", problems));
        }
    }

    /** What is wrong with the configured channels (never quoting a URL or secret). */
    static List<String> problems(Map<String, ChannelConfig> channels) {
        List<String> problems = new ArrayList<>();
        channels.forEach((name, c) -> {
            if (c.type() == ChannelType.COMMIT_STATUS) {
                commitStatusProblems(name, c, problems);
            }
            if (c.type() == ChannelType.EMAIL) {
                if (c.to().map(List::isEmpty).orElse(true)) {
                    problems.add("channel '" + name + "' (email) needs quayside.notifier.channels." + name + ".to");
                }
            } else if (c.url().isEmpty()) {
                problems.add("channel '" + name + "' (" + c.type().name().toLowerCase() + ") needs quayside.notifier"
                        + ".channels." + name + ".url");
            } else if (!c.url().get().isAbsolute() || !c.url().get().getScheme().startsWith("http")) {
                problems.add("channel '" + name + "' needs an absolute http(s) url");
            }
            if (c.type() == ChannelType.WEBHOOK && c.secret().map(String::isBlank).orElse(true)) {
                problems.add("channel '" + name + "' (webhook) needs quayside.notifier.channels." + name
                        + ".secret for the HMAC signature");
            }
        });
        return problems;
    }

    private static void commitStatusProblems(String name, ChannelConfig c, List<String> problems) {
        String key = "quayside.notifier.channels." + name + ".";
        if (c.host().isEmpty()) {
            problems.add("channel '" + name + "' (commit-status) needs " + key + "host: one of "
                    + Arrays.stream(GitHost.values()).map(h -> h.name().toLowerCase().replace('_', '-'))
                            .collect(Collectors.joining(", ")));
        }
        if (c.token().map(String::isBlank).orElse(true)) {
            problems.add("channel '" + name + "' (commit-status) needs " + key + "token, the Git host's API token "
                    + "(${file::<path>} reads it from a file)");
        }
        boolean bitbucket = c.host().map(h -> h == GitHost.BITBUCKET_CLOUD || h == GitHost.BITBUCKET_SERVER)
                .orElse(false);
        if (bitbucket && c.targetUrl().map(String::isBlank).orElse(true)) {
            problems.add("channel '" + name + "' (" + c.host().get().name().toLowerCase().replace('_', '-')
                    + ") needs " + key + "target-url: Bitbucket requires each build status to link somewhere");
        }
    }

    /** Posts the commit statuses of one event, one after the other, through a {@code commit-status} channel. */
    public Uni<Void> send(String channel, List<CommitStatus> statuses) {
        ChannelConfig c = config.channels().get(channel);
        if (c == null) {
            return Uni.createFrom().failure(new IllegalStateException("no channel '" + channel + "'"));
        }
        Uni<Void> all = Uni.createFrom().voidItem();
        for (CommitStatus status : statuses) {
            all = all.chain(() -> gitHosts.post(channel, c, status));
        }
        return all;
    }

    public Uni<Void> send(String channel, Notification n) {
        ChannelConfig c = config.channels().get(channel);
        if (c == null) {
            return Uni.createFrom().failure(new IllegalStateException("no channel '" + channel + "'"));
        }
        if (c.type() == ChannelType.EMAIL) {
            return email(channel, c, n);
        }
        if (c.type() == ChannelType.WEBHOOK) {
            byte[] body = ChatPayloads.bytes(ChatPayloads.generic(n));
            return webhooks.post(channel, c.url().get(), body, new ChatWebhookClient.Headers(n.typeKey(), n.id(),
                    ChatPayloads.signature(c.secret().get(), body)));
        }
        ObjectNode payload = switch (c.type()) {
            case SLACK -> ChatPayloads.slack(n);
            case MATTERMOST -> ChatPayloads.mattermost(n);
            case TEAMS -> ChatPayloads.teams(n);
            case GOOGLE_CHAT -> ChatPayloads.googleChat(n);
            default -> throw new IllegalStateException("unhandled channel type " + c.type());
        };
        return webhooks.post(channel, c.url().get(), ChatPayloads.bytes(payload), ChatWebhookClient.Headers.NONE);
    }

    private Uni<Void> email(String channel, ChannelConfig c, Notification n) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("n", n);
        data.put("lines", n.text().isEmpty() ? List.of() : List.of(n.text().split("\n")));
        String html = engine.getTemplate("mail.html").data(data).render();
        StringBuilder text = new StringBuilder(n.title()).append("\n\n");
        if (!n.text().isEmpty()) {
            text.append(n.text()).append("\n\n");
        }
        n.fields().forEach(f -> text.append(f.name()).append(": ").append(f.value()).append('\n'));
        if (!n.chain().isEmpty()) {
            text.append('\n').append(n.chain()).append('\n');
        }
        n.links().forEach(l -> text.append(l.label()).append(": ").append(l.url()).append('\n'));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Quayside-Notification", n.id());
        headers.put("X-Quayside-Event-Type", n.typeKey());
        return smtp.send(channel, c.to().get(), c.subjectPrefix() + " " + n.title(), text.toString(), html, headers);
    }
}
