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

    @Test
    void theSignatureIsTheHexHmacSha256OfTheBody() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
        assertThat(ChatPayloads.signature("Jefe", "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void urlsAreStrippedFromConnectionErrors() {
        assertThat(ChatWebhookClient.stripUrls("Connection refused: https://hooks.slack.com/services/T/B/SECRET x"))
                .isEqualTo("Connection refused: <url> x");
    }
}
