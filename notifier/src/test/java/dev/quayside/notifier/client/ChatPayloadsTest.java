package dev.quayside.notifier.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quayside.notifier.service.Notification;
import dev.quayside.notifier.support.PayloadShapes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The payload builders stay within each service's documented limits, and the shape checks catch what is wrong. */
class ChatPayloadsTest {

    static final Notification LONG = new Notification("id-1", "build-finished", "T".repeat(400), "<b>&\n".repeat(900),
            "commit abc → build failure", List.of(new Notification.Link("Commit abc", "https://git.example/c/abc")),
            List.of(new Notification.Field("App", "shop")), true, 1);

    @Test
    void longTextIsCutToSlacksLimitsAndEscaped() {
        ObjectNode slack = ChatPayloads.slack(LONG);
        assertThat(PayloadShapes.slack(slack)).isEmpty();
        assertThat(slack.at("/blocks/0/text/text").asText()).hasSize(150).endsWith("…");
        assertThat(slack.at("/blocks/1/text/text").asText()).hasSize(3000).startsWith("&lt;b&gt;&amp;");
    }

    @Test
    void everyBuilderPassesItsShapeCheck() {
        assertThat(PayloadShapes.teams(ChatPayloads.teams(LONG))).isEmpty();
        assertThat(PayloadShapes.googleChat(ChatPayloads.googleChat(LONG))).isEmpty();
        assertThat(PayloadShapes.mattermost(ChatPayloads.mattermost(LONG))).isEmpty();
        Notification bare = new Notification("id-2", "commit-pushed", "Pushed", "", "", List.of(), List.of(), false,
                1);
        assertThat(PayloadShapes.slack(ChatPayloads.slack(bare))).isEmpty();
        assertThat(PayloadShapes.teams(ChatPayloads.teams(bare))).isEmpty();
        assertThat(PayloadShapes.googleChat(ChatPayloads.googleChat(bare))).isEmpty();
    }

    @Test
    void theShapeChecksRejectWhatTheServicesReject() {
        assertThat(PayloadShapes.slack(PayloadShapes.parse("{\"text\":\"hi\"}")))
                .containsExactly("blocks must be a non-empty array");
        assertThat(PayloadShapes.slack(PayloadShapes.parse(
                "{\"text\":\"x\",\"blocks\":[{\"type\":\"header\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"x\"}}]}")))
                .containsExactly("header.text.type must be plain_text");
        JsonNode teamsWrongType = PayloadShapes.parse("{\"type\":\"message\",\"attachments\":[{\"contentType\":"
                + "\"application/json\",\"content\":{\"type\":\"AdaptiveCard\",\"version\":\"1.4\",\"body\":"
                + "[{\"type\":\"TextBlock\",\"text\":\"x\"}]}}]}");
        assertThat(PayloadShapes.teams(teamsWrongType))
                .containsExactly("attachment contentType must be application/vnd.microsoft.card.adaptive");
        assertThat(PayloadShapes.googleChat(PayloadShapes.parse("{\"cardsV2\":[{\"card\":{\"sections\":[]}}]}")))
                .contains("cardsV2[].cardId is required", "card.sections must be a non-empty array");
        assertThat(PayloadShapes.mattermost(PayloadShapes.parse("{\"text\":\" \"}")))
                .containsExactly("text is required (Markdown)");
    }

    /** A commit message and an author as an attacker who can push would write them. */
    static final String MESSAGE = "@all [click](http://evil) <!channel> **x** ![img](http://evil/i.png) `code` | # h";
    static final String AUTHOR = "<users/all>";
    static final Notification HOSTILE = new Notification("id-3", "commit-pushed",
            "Pushed by " + AUTHOR + ": " + MESSAGE, MESSAGE + "\n# heading\n@here @channel _i_ ~s~ > quote",
            "commit abc1234 by " + AUTHOR + " (" + MESSAGE + ")",
            List.of(new Notification.Link("Commit " + AUTHOR, "https://git.example/c/abc)(x")),
            List.of(new Notification.Field("Author", AUTHOR), new Notification.Field("Message", MESSAGE)), true, 1);

    @Test
    void slackEscapesItsMarkupInEveryMrkdwnTextAndTheFallback() {
        ObjectNode slack = ChatPayloads.slack(HOSTILE);
        assertThat(PayloadShapes.slack(slack)).isEmpty();
        assertThat(slack.get("text").asText()).doesNotContain("<!channel>", "<users/all>")
                .contains("&lt;!channel&gt;", "&lt;users/all&gt;");
        List<String> mrkdwn = slack.findParents("type").stream()
                .filter(node -> "mrkdwn".equals(node.get("type").asText())).map(node -> node.get("text").asText())
                .toList();
        assertThat(mrkdwn).hasSize(4); // body, two fields, chain
        mrkdwn.forEach(text -> assertThat(text).as(text).doesNotContain("<", ">"));
    }

    @Test
    void mattermostGetsNoMentionLinkImageOrFormattingFromUntrustedText() {
        String text = ChatPayloads.mattermost(HOSTILE).get("text").asText();
        assertNoMarkdownInjection(text.substring(0, text.lastIndexOf("\n["))); // all but our own link line
        // our own markup stays: the heading, the italic chain and the link
        assertThat(text).startsWith("#### :red_circle: Pushed by \\<users/all\\>: @\u200Dall \\[click\\]\\(http://evil\\)");
        assertThat(text).contains("\n\\# heading\n", "\\*\\*x\\*\\*", "\\!\\[img\\]", "\\`code\\`", "\\|")
                .contains("\n\n_commit abc1234 by ")
                .contains("[Commit \\<users/all\\>](https://git.example/c/abc%29%28x)");
    }

    @Test
    void teamsGetsNoMentionLinkImageOrFormattingFromUntrustedText() {
        ObjectNode teams = ChatPayloads.teams(HOSTILE);
        assertThat(PayloadShapes.teams(teams)).isEmpty();
        JsonNode body = teams.at("/attachments/0/content/body");
        List<String> texts = new java.util.ArrayList<>();
        body.forEach(block -> {
            if (block.has("text")) {
                texts.add(block.get("text").asText());
            }
            block.path("facts").forEach(fact -> texts.add(fact.get("value").asText()));
        });
        assertThat(texts).hasSize(5); // title, body, chain, two facts
        texts.forEach(ChatPayloadsTest::assertNoMarkdownInjection);
        assertThat(texts).contains("\\<users/all\\>");
    }

    @Test
    void googleChatGetsNoMentionOrLinkFromUntrustedText() {
        ObjectNode chat = ChatPayloads.googleChat(HOSTILE);
        assertThat(PayloadShapes.googleChat(chat)).isEmpty();
        List<String> texts = new java.util.ArrayList<>(List.of(chat.get("text").asText()));
        chat.at("/cardsV2/0/card/sections/0/widgets").forEach(widget -> {
            if (widget.has("textParagraph")) {
                texts.add(widget.at("/textParagraph/text").asText());
            }
            if (widget.has("decoratedText")) {
                texts.add(widget.at("/decoratedText/text").asText());
            }
        });
        assertThat(texts).hasSize(4); // text, body, two fields
        texts.forEach(text -> assertThat(text).as(text).doesNotContain("<", ">"));
        assertThat(texts.get(0)).contains("&lt;users/all&gt;", "&lt;!channel&gt;");
        assertThat(texts).contains("&lt;users/all&gt;");
    }

    /** No unescaped link, image, emphasis, code, heading or table markup, and no {@code @} that could mention. */
    static void assertNoMarkdownInjection(String text) {
        assertThat(text).as(text).doesNotContainPattern("@(?!\u200D)")
                .doesNotContainPattern("(?<!\\\\)[\\[\\]()`|<>!~]")
                .doesNotContainPattern("(?<!\\\\)\\*\\*")
                .doesNotContainPattern("(?m)^#(?!###)");
    }

    @Test
    void theSignatureIsTheHexHmacSha256OfTheBody() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
        assertThat(ChatPayloads.signature("Jefe", "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void urlsAreStrippedFromConnectionErrors() {
        assertThat(DeliveryException.stripUrls("Connection refused: https://hooks.slack.com/services/T/B/SECRET x"))
                .isEqualTo("Connection refused: <url> x");
    }
}
