package dev.quayside.notifier.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks each chat payload against the shape its service documents, returning the problems found (empty: valid).
 * Slack Block Kit (api.slack.com/reference/block-kit), Teams workflow webhooks with an Adaptive Card attachment,
 * Google Chat messages ({@code text}, {@code cardsV2}), Mattermost incoming webhooks ({@code text}).
 */
public final class PayloadShapes {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> SLACK_BLOCKS = Set.of("header", "section", "context", "actions", "divider",
            "image", "rich_text", "input", "file", "video");

    private PayloadShapes() {
    }

    public static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + body, e);
        }
    }

    public static List<String> slack(JsonNode m) {
        List<String> p = new ArrayList<>();
        JsonNode blocks = m.get("blocks");
        if (blocks == null || !blocks.isArray() || blocks.isEmpty()) {
            p.add("blocks must be a non-empty array");
            return p;
        }
        if (blocks.size() > 50) {
            p.add("at most 50 blocks");
        }
        if (!m.path("text").isTextual()) {
            p.add("top-level text (the notification fallback) should be given with blocks");
        }
        for (JsonNode b : blocks) {
            String type = b.path("type").asText();
            if (!SLACK_BLOCKS.contains(type)) {
                p.add("unknown block type " + type);
            }
            switch (type) {
                case "header":
                    textObject(p, b.get("text"), "plain_text", 150, "header.text");
                    break;
                case "section":
                    if (b.has("text")) {
                        textObject(p, b.get("text"), null, 3000, "section.text");
                    } else if (!b.path("fields").isArray()) {
                        p.add("section needs text or fields");
                    } else {
                        if (b.get("fields").size() > 10) {
                            p.add("section has more than 10 fields");
                        }
                        b.get("fields").forEach(f -> textObject(p, f, null, 2000, "section.fields[]"));
                    }
                    break;
                case "context":
                    if (!b.path("elements").isArray() || b.get("elements").isEmpty() || b.get("elements").size() > 10) {
                        p.add("context needs 1..10 elements");
                    } else {
                        b.get("elements").forEach(e -> textObject(p, e, null, 3000, "context.elements[]"));
                    }
                    break;
                case "actions":
                    if (!b.path("elements").isArray() || b.get("elements").isEmpty() || b.get("elements").size() > 25) {
                        p.add("actions needs 1..25 elements");
                    } else {
                        for (JsonNode e : b.get("elements")) {
                            if (!"button".equals(e.path("type").asText())) {
                                p.add("actions element is not a button");
                            }
                            textObject(p, e.get("text"), "plain_text", 75, "button.text");
                            if (e.has("url") && e.get("url").asText().length() > 3000) {
                                p.add("button url longer than 3000");
                            }
                        }
                    }
                    break;
                default:
                    break;
            }
        }
        return p;
    }

    private static void textObject(List<String> p, JsonNode t, String requiredType, int max, String where) {
        if (t == null || !t.isObject()) {
            p.add(where + " must be a text object");
            return;
        }
        String type = t.path("type").asText();
        if (!type.equals("plain_text") && !type.equals("mrkdwn")) {
            p.add(where + ".type must be plain_text or mrkdwn, not " + type);
        }
        if (requiredType != null && !requiredType.equals(type)) {
            p.add(where + ".type must be " + requiredType);
        }
        String text = t.path("text").asText("");
        if (text.isEmpty() || text.length() > max) {
            p.add(where + ".text must have 1.." + max + " characters");
        }
    }

    public static List<String> teams(JsonNode m) {
        List<String> p = new ArrayList<>();
        if (!"message".equals(m.path("type").asText())) {
            p.add("type must be message");
        }
        JsonNode attachments = m.get("attachments");
        if (attachments == null || !attachments.isArray() || attachments.isEmpty()) {
            p.add("attachments must be a non-empty array");
            return p;
        }
        for (JsonNode a : attachments) {
            if (!"application/vnd.microsoft.card.adaptive".equals(a.path("contentType").asText())) {
                p.add("attachment contentType must be application/vnd.microsoft.card.adaptive");
            }
            JsonNode card = a.path("content");
            if (!"AdaptiveCard".equals(card.path("type").asText())) {
                p.add("content.type must be AdaptiveCard");
            }
            if (!card.path("version").asText().matches("1\\.[0-6]")) {
                p.add("content.version must be 1.0..1.6, not " + card.path("version"));
            }
            if (!card.path("body").isArray() || card.get("body").isEmpty()) {
                p.add("content.body must be a non-empty array");
            } else {
                for (JsonNode e : card.get("body")) {
                    String type = e.path("type").asText();
                    if (type.equals("TextBlock") && !e.path("text").isTextual()) {
                        p.add("TextBlock needs text");
                    } else if (type.equals("FactSet") && !e.path("facts").isArray()) {
                        p.add("FactSet needs facts");
                    } else if (!Set.of("TextBlock", "FactSet", "ColumnSet", "Container", "Image").contains(type)) {
                        p.add("unexpected element " + type);
                    }
                }
            }
            if (card.has("actions")) {
                card.get("actions").forEach(act -> {
                    if (!"Action.OpenUrl".equals(act.path("type").asText()) || !act.path("url").isTextual()) {
                        p.add("actions must be Action.OpenUrl with a url");
                    }
                });
            }
        }
        return p;
    }

    public static List<String> googleChat(JsonNode m) {
        List<String> p = new ArrayList<>();
        boolean hasText = m.path("text").isTextual() && !m.get("text").asText().isEmpty();
        JsonNode cards = m.get("cardsV2");
        if (!hasText && (cards == null || cards.isEmpty())) {
            p.add("a message needs text or cardsV2");
        }
        if (m.has("cards")) {
            p.add("cards (v1) is deprecated: use cardsV2");
        }
        if (cards != null) {
            if (!cards.isArray()) {
                p.add("cardsV2 must be an array");
                return p;
            }
            for (JsonNode c : cards) {
                if (!c.path("cardId").isTextual()) {
                    p.add("cardsV2[].cardId is required");
                }
                JsonNode card = c.path("card");
                if (!card.path("sections").isArray() || card.get("sections").isEmpty()) {
                    p.add("card.sections must be a non-empty array");
                    continue;
                }
                for (JsonNode section : card.get("sections")) {
                    for (JsonNode w : section.path("widgets")) {
                        if (!(w.has("textParagraph") || w.has("decoratedText") || w.has("buttonList"))) {
                            p.add("unexpected widget " + w.fieldNames().next());
                        }
                        w.path("buttonList").path("buttons").forEach(b -> {
                            if (!b.path("text").isTextual() || !b.path("onClick").path("openLink").path("url")
                                    .isTextual()) {
                                p.add("button needs text and onClick.openLink.url");
                            }
                        });
                    }
                }
            }
        }
        return p;
    }

    public static List<String> mattermost(JsonNode m) {
        List<String> p = new ArrayList<>();
        if (!m.path("text").isTextual() || m.get("text").asText().isBlank()) {
            p.add("text is required (Markdown)");
        } else if (m.get("text").asText().length() > 16383) {
            p.add("text longer than 16383 characters");
        }
        return p;
    }
}
