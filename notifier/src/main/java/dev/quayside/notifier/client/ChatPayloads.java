package dev.quayside.notifier.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quayside.kit.security.Hmac;
import dev.quayside.notifier.service.Notification;
import java.time.Instant;

/**
 * The message each service documents, built from one {@link Notification}. Every text that comes from an event (title,
 * body, chain, field values, link labels) is untrusted: each format's markup is escaped in it, so a commit message, an
 * author or a branch name cannot add links, mentions ({@code @all}, {@code <!channel>}, {@code <users/all>}) or
 * formatting. Plain-text slots (Slack's header and buttons, Teams' and Google Chat's button titles, Google Chat's card
 * header) are not parsed by the service and stay as they are.
 */
public final class ChatPayloads {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Slack: header text at most 150 characters, section text at most 3000, at most 25 elements per actions block. */
    static final int SLACK_HEADER_MAX = 150;
    static final int SLACK_SECTION_MAX = 3000;
    static final int SLACK_ACTIONS_MAX = 25;
    /** Characters with a meaning in Mattermost's and Adaptive Cards' Markdown, escaped with a backslash. */
    private static final String MARKDOWN_SPECIALS = "\\`*_[]()#|<>!~";
    /** Follows every {@code @}, so that {@code @all}, {@code @channel}, {@code @here} or {@code @user} mention no one. */
    static final char ZERO_WIDTH_JOINER = '\u200D';

    private ChatPayloads() {
    }

    /** Slack incoming webhook: Block Kit {@code blocks} plus {@code text} as the notification fallback. */
    public static ObjectNode slack(Notification n) {
        ObjectNode root = JSON.createObjectNode();
        root.put("text", cut(slackEscape(n.title()), SLACK_SECTION_MAX));
        ArrayNode blocks = root.putArray("blocks");
        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", cut(n.title(), SLACK_HEADER_MAX))
                .put("emoji", true);
        if (!n.text().isEmpty()) {
            ObjectNode section = blocks.addObject().put("type", "section");
            section.putObject("text").put("type", "mrkdwn").put("text", cut(slackEscape(n.text()), SLACK_SECTION_MAX));
        }
        if (!n.fields().isEmpty()) {
            ObjectNode section = blocks.addObject().put("type", "section");
            ArrayNode fields = section.putArray("fields");
            n.fields().stream().limit(10).forEach(f -> fields.addObject().put("type", "mrkdwn")
                    .put("text", cut("*" + f.name() + "*\n" + slackEscape(f.value()), 2000)));
        }
        if (!n.chain().isEmpty()) {
            ObjectNode context = blocks.addObject().put("type", "context");
            context.putArray("elements").addObject().put("type", "mrkdwn").put("text", slackEscape(n.chain()));
        }
        if (!n.links().isEmpty()) {
            ObjectNode actions = blocks.addObject().put("type", "actions");
            ArrayNode elements = actions.putArray("elements");
            int i = 0;
            for (Notification.Link link : n.links()) {
                if (i >= SLACK_ACTIONS_MAX) {
                    break;
                }
                ObjectNode button = elements.addObject().put("type", "button").put("action_id", "link-" + i++)
                        .put("url", link.url());
                button.putObject("text").put("type", "plain_text").put("text", cut(link.label(), 75));
            }
        }
        return root;
    }

    /** Mattermost incoming webhook: Markdown {@code text}. */
    public static ObjectNode mattermost(Notification n) {
        return JSON.createObjectNode().put("text", markdown(n));
    }

    /** Microsoft Teams workflow webhook: a message whose attachment is an Adaptive Card. */
    public static ObjectNode teams(Notification n) {
        ObjectNode root = JSON.createObjectNode().put("type", "message");
        ObjectNode attachment = root.putArray("attachments").addObject();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.putNull("contentUrl");
        ObjectNode card = attachment.putObject("content");
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", "1.4");
        ArrayNode body = card.putArray("body");
        body.addObject().put("type", "TextBlock").put("text", markdownEscape(n.title())).put("weight", "Bolder").put("size", "Medium")
                .put("wrap", true).put("color", n.failure() ? "Attention" : "Default");
        if (!n.text().isEmpty()) {
            body.addObject().put("type", "TextBlock").put("text", markdownEscape(n.text())).put("wrap", true);
        }
        if (!n.fields().isEmpty()) {
            ArrayNode facts = body.addObject().put("type", "FactSet").putArray("facts");
            n.fields().forEach(f -> facts.addObject().put("title", markdownEscape(f.name()))
                    .put("value", markdownEscape(f.value())));
        }
        if (!n.chain().isEmpty()) {
            body.addObject().put("type", "TextBlock").put("text", markdownEscape(n.chain())).put("isSubtle", true)
                    .put("wrap", true);
        }
        if (!n.links().isEmpty()) {
            ArrayNode actions = card.putArray("actions");
            n.links().forEach(l -> actions.addObject().put("type", "Action.OpenUrl").put("title", l.label())
                    .put("url", l.url()));
        }
        return root;
    }

    /** Google Chat incoming webhook: {@code text} and a {@code cardsV2} card. */
    public static ObjectNode googleChat(Notification n) {
        ObjectNode root = JSON.createObjectNode();
        root.put("text", "*" + chatEscape(n.title()) + "*");
        ObjectNode wrapper = root.putArray("cardsV2").addObject();
        wrapper.put("cardId", "quayside-" + n.id());
        ObjectNode card = wrapper.putObject("card");
        ObjectNode header = card.putObject("header").put("title", n.title());
        if (!n.chain().isEmpty()) {
            header.put("subtitle", n.chain());
        }
        ArrayNode widgets = card.putArray("sections").addObject().putArray("widgets");
        if (!n.text().isEmpty()) {
            widgets.addObject().putObject("textParagraph").put("text", chatEscape(n.text()));
        }
        n.fields().forEach(f -> widgets.addObject().putObject("decoratedText").put("topLabel", f.name())
                .put("text", chatEscape(f.value())));
        if (!n.links().isEmpty()) {
            ArrayNode buttons = widgets.addObject().putObject("buttonList").putArray("buttons");
            n.links().forEach(l -> buttons.addObject().put("text", l.label()).putObject("onClick")
                    .putObject("openLink").put("url", l.url()));
        }
        return root;
    }

    /** The generic webhook's body: Quayside's own JSON. */
    public static ObjectNode generic(Notification n) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", n.id());
        root.put("type", n.typeKey());
        root.put("title", n.title());
        root.put("text", n.text());
        root.put("chain", n.chain());
        root.put("failure", n.failure());
        root.put("count", n.count());
        root.put("sentAt", Instant.now().toString());
        ObjectNode fields = root.putObject("fields");
        n.fields().forEach(f -> fields.put(f.name(), f.value()));
        ArrayNode links = root.putArray("links");
        n.links().forEach(l -> links.addObject().put("label", l.label()).put("url", l.url()));
        return root;
    }

    /** {@code sha256=<hex HMAC-SHA256 of body>}, as the {@code X-Quayside-Signature-256} header carries it. */
    public static String signature(String secret, byte[] body) {
        return Hmac.sha256Header(secret, body);
    }

    public static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Markdown for Mattermost: a heading, the body, the chain in italics, links. */
    static String markdown(Notification n) {
        StringBuilder s = new StringBuilder("#### ").append(n.failure() ? ":red_circle: " : "")
                .append(markdownEscape(n.title()));
        if (!n.text().isEmpty()) {
            s.append("\n").append(markdownEscape(n.text()));
        }
        if (!n.chain().isEmpty()) {
            s.append("\n\n_").append(markdownEscape(n.chain())).append("_");
        }
        if (!n.links().isEmpty()) {
            s.append("\n");
            n.links().forEach(l -> s.append("[").append(markdownEscape(l.label())).append("](")
                    .append(markdownUrl(l.url())).append(") "));
        }
        return s.toString().strip();
    }

    /** Slack mrkdwn: {@code & < >} must be escaped. */
    static String slackEscape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /**
     * Google Chat's message text and card text (its HTML subset): {@code & < >} escaped, which also turns its link
     * ({@code <url|text>}) and mention ({@code <users/all>}, {@code <users/123>}) forms into plain text.
     */
    static String chatEscape(String text) {
        return slackEscape(text);
    }

    /**
     * Markdown (Mattermost, Microsoft Teams' Adaptive Cards): each of {@code \ ` * _ [ ] ( ) # | < > ! ~} escaped with a
     * backslash (no links, images, emphasis, code, headings, tables or quotes), and a zero-width joiner after every
     * {@code @} (no mentions).
     */
    static String markdownEscape(String text) {
        StringBuilder s = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (MARKDOWN_SPECIALS.indexOf(c) >= 0) {
                s.append('\\');
            }
            s.append(c);
            if (c == '@') {
                s.append(ZERO_WIDTH_JOINER);
            }
        }
        return s.toString();
    }

    /** A URL as the target of a Markdown link: what would end or break the {@code (...)} is percent-encoded. */
    static String markdownUrl(String url) {
        return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20").replace("<", "%3C").replace(">", "%3E")
                .replace("\n", "%0A").replace("\r", "%0D");
    }

    static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
