package dev.quayside.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import dev.quayside.devstack.kafka.KafkaBrokerResource;
import dev.quayside.events.BuildFinished;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.ServiceRolledBack;
import dev.quayside.notifier.client.KafkaSentLog;
import dev.quayside.notifier.client.SentLogClient;
import dev.quayside.notifier.support.DeadLetters;
import dev.quayside.notifier.support.EventsTestBase;
import dev.quayside.notifier.support.LoopbackReceivers;
import dev.quayside.notifier.support.LoopbackReceivers.Request;
import dev.quayside.notifier.support.NotifierTestResources;
import dev.quayside.notifier.support.PayloadShapes;
import dev.quayside.notifier.support.TestEvents;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import jakarta.mail.Address;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The notifier end to end: real Kafka, GreenMail as the SMTP server, loopback chat receivers. */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(NotifierTestResources.class)
class NotifierTest extends EventsTestBase {

    static final String SLACK = "/slack/T000/B000/XXXX";
    static final String TEAMS = "/teams/workflows/abc";
    static final String GCHAT = "/gchat/v1/spaces/AAA/messages";
    static final String MATTERMOST = "/mattermost/hooks/abc";
    static final Duration WAIT = Duration.ofSeconds(30);

    GreenMail greenMail;
    LoopbackReceivers receivers;

    @Inject
    SentLogClient sentLog;

    @Test
    void buildFailureReachesEveryChannelInTheShapeEachServiceDocuments() throws Exception {
        String sha = TestEvents.sha();
        String shortSha = sha.substring(0, 7);
        Instant pushedAt = Instant.now().minusSeconds(60);
        EventEnvelope<CommitPushed> push = TestEvents.commitPushed("shop", sha, "Alice", pushedAt);
        publishAndAwaitUnrouted(push);
        EventEnvelope<BuildFinished> build = TestEvents.next(push, TestEvents.buildFailed("shop", sha),
                pushedAt.plusSeconds(42));
        events.publish(build);

        await().atMost(WAIT).until(() -> receivers.at(SLACK, shortSha).size() == 1
                && receivers.at(TEAMS, shortSha).size() == 1 && receivers.at(GCHAT, shortSha).size() == 1
                && receivers.at(MATTERMOST, shortSha).size() == 1 && receivers.at("/hook", build.id()).size() == 1);
        String commitUrl = "https://git.example.org/team/shop/commit/" + sha;
        String chain = "commit " + shortSha + " by Alice → build failure in 42 s";

        JsonNode slack = PayloadShapes.parse(receivers.at(SLACK, shortSha).get(0).body());
        assertThat(PayloadShapes.slack(slack)).isEmpty();
        assertThat(slack.at("/blocks/0/type").asText()).isEqualTo("header");
        assertThat(slack.at("/blocks/0/text/text").asText()).isEqualTo("Build failure: shop " + shortSha + " on main");
        assertThat(slack.toString()).contains("RUN make failed with exit code 2").contains(chain)
                .contains("\"url\":\"" + commitUrl + "\"");

        JsonNode teams = PayloadShapes.parse(receivers.at(TEAMS, shortSha).get(0).body());
        assertThat(PayloadShapes.teams(teams)).isEmpty();
        assertThat(teams.at("/attachments/0/content/body/0/text").asText()).startsWith("Build failure: shop");
        assertThat(teams.at("/attachments/0/content/actions/0/url").asText()).isEqualTo(commitUrl);

        JsonNode gchat = PayloadShapes.parse(receivers.at(GCHAT, shortSha).get(0).body());
        assertThat(PayloadShapes.googleChat(gchat)).isEmpty();
        assertThat(gchat.at("/cardsV2/0/card/header/subtitle").asText()).isEqualTo(chain);

        JsonNode mattermost = PayloadShapes.parse(receivers.at(MATTERMOST, shortSha).get(0).body());
        assertThat(PayloadShapes.mattermost(mattermost)).isEmpty();
        assertThat(mattermost.path("text").asText()).startsWith("#### :red_circle: Build failure: shop")
                .contains("[Commit " + shortSha + "](" + commitUrl + ")");

        Request hook = receivers.at("/hook", build.id()).get(0);
        assertThat(hook.headers()).containsEntry("x-quayside-event", "build-finished")
                .containsEntry("x-quayside-delivery", build.id())
                .containsEntry("x-quayside-signature-256", hmac(NotifierTestResources.HOOK_SECRET, hook.body()));
        JsonNode generic = PayloadShapes.parse(hook.body());
        assertThat(generic.path("failure").asBoolean()).isTrue();
        assertThat(generic.at("/fields/App").asText()).isEqualTo("shop");

        // GreenMail keeps one copy per recipient's mailbox: one message sent means one Message-ID
        await().atMost(WAIT).until(() -> mails(shortSha).size() == 2);
        assertThat(mails(shortSha).stream().map(NotifierTest::messageId).distinct()).hasSize(1);
        MimeMessage mail = mails(shortSha).get(0);
        assertThat(mail.getSubject()).isEqualTo("[quayside] Build failure: shop " + shortSha + " on main");
        assertThat(Arrays.stream(mail.getAllRecipients()).map(Address::toString))
                .containsExactlyInAnyOrder("oncall@example.org", "shop-team@example.org");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("quayside@localhost");
        assertThat(mail.getHeader("X-Quayside-Event-Type")).containsExactly("build-finished");
        assertThat(mail.getHeader("X-Quayside-Notification")).containsExactly(build.id());
        Multipart alternative = (Multipart) mail.getContent();
        assertThat(alternative.getContentType()).startsWith("multipart/alternative");
        String plain = null;
        String html = null;
        for (int i = 0; i < alternative.getCount(); i++) {
            if (alternative.getBodyPart(i).isMimeType("text/plain")) {
                plain = (String) alternative.getBodyPart(i).getContent();
            } else if (alternative.getBodyPart(i).isMimeType("text/html")) {
                html = (String) alternative.getBodyPart(i).getContent();
            }
        }
        assertThat(plain).contains("RUN make failed with exit code 2").contains(chain).contains(commitUrl);
        assertThat(html).contains("<h2").contains("href=\"" + commitUrl + "\"").contains("make: *** [all] Error 2");
    }

    /**
     * A build's log tail is opt-in per channel ({@code include-log-tail}): mail, Mattermost, Teams and Google Chat
     * have it set and show the tail; Slack and the generic webhook do not, and get the failure without it.
     */
    @Test
    void theBuildLogTailReachesOnlyTheChannelsThatOptIn() throws Exception {
        String sha = TestEvents.sha();
        String shortSha = sha.substring(0, 7);
        EventEnvelope<BuildFinished> build = TestEvents.single(TestEvents.buildFailed("shop", sha));
        events.publish(build);
        await().atMost(WAIT).until(() -> receivers.at(SLACK, shortSha).size() == 1
                && receivers.at(TEAMS, shortSha).size() == 1 && receivers.at(GCHAT, shortSha).size() == 1
                && receivers.at(MATTERMOST, shortSha).size() == 1 && receivers.at("/hook", build.id()).size() == 1
                && mails(shortSha).size() == 2);
        String tail = "step 3/5 : RUN make";
        assertThat(receivers.at(SLACK, shortSha).get(0).body()).contains("RUN make failed with exit code 2")
                .doesNotContain(tail, "Last log lines");
        assertThat(receivers.at("/hook", build.id()).get(0).body()).contains("RUN make failed with exit code 2")
                .doesNotContain(tail, "Last log lines");
        for (String with : List.of(MATTERMOST, TEAMS, GCHAT)) {
            assertThat(receivers.at(with, shortSha).get(0).body()).as(with).contains("Last log lines", tail);
        }
        Multipart mail = (Multipart) mails(shortSha).get(0).getContent();
        for (int i = 0; i < mail.getCount(); i++) {
            assertThat((String) mail.getBodyPart(i).getContent()).contains(tail);
        }
    }

    /** What a pusher writes (commit message, author, log lines) reaches every chat escaped for its markup. */
    @Test
    void untrustedTextReachesEveryChatEscaped() {
        String sha = TestEvents.sha();
        String shortSha = sha.substring(0, 7);
        String message = "@all [click](http://evil) <!channel> **x**";
        Instant pushedAt = Instant.now().minusSeconds(60);
        EventEnvelope<CommitPushed> push = TestEvents.commitPushed("mallory", sha, "<users/all>", pushedAt);
        publishAndAwaitUnrouted(push);
        events.publish(TestEvents.next(push, new BuildFinished(java.util.UUID.randomUUID().toString(), "mallory",
                "mallory", sha, "main", dev.quayside.events.BuildOutcome.FAILURE, 42_000, message,
                List.of("<users/all> @here"), null), pushedAt.plusSeconds(42)));
        await().atMost(WAIT).until(() -> receivers.at(SLACK, shortSha).size() == 1
                && receivers.at(TEAMS, shortSha).size() == 1 && receivers.at(GCHAT, shortSha).size() == 1
                && receivers.at(MATTERMOST, shortSha).size() == 1);

        JsonNode slack = PayloadShapes.parse(receivers.at(SLACK, shortSha).get(0).body());
        assertThat(PayloadShapes.slack(slack)).isEmpty();
        List<String> mrkdwn = slack.findParents("type").stream()
                .filter(node -> "mrkdwn".equals(node.get("type").asText())).map(node -> node.get("text").asText())
                .toList();
        assertThat(String.join("\n", mrkdwn)).contains("&lt;!channel&gt;", "by &lt;users/all&gt;")
                .doesNotContain("<!channel>", "<users/all>");

        String mattermost = PayloadShapes.parse(receivers.at(MATTERMOST, shortSha).get(0).body()).get("text").asText();
        assertThat(mattermost).contains("@\u200Dall \\[click\\]\\(http://evil\\) \\<\\!channel\\> \\*\\*x\\*\\*")
                .contains("\\<users/all\\> @\u200Dhere").doesNotContainPattern("@(?!\u200D)");

        String teams = PayloadShapes.parse(receivers.at(TEAMS, shortSha).get(0).body())
                .at("/attachments/0/content/body").toString();
        assertThat(teams).contains("@\u200Dall \\\\[click\\\\]").contains("by \\\\<users/all\\\\>")
                .doesNotContainPattern("@(?!\u200D)");

        JsonNode gchat = PayloadShapes.parse(receivers.at(GCHAT, shortSha).get(0).body());
        assertThat(PayloadShapes.googleChat(gchat)).isEmpty();
        String chatText = gchat.get("text").asText() + gchat.at("/cardsV2/0/card/sections").toString();
        assertThat(chatText).contains("&lt;!channel&gt;", "&lt;users/all&gt;").doesNotContain("<users/all>", "<!");
    }

    @Test
    void aRedeliveredEventDoesNotNotifyTwiceAndTheSentLogIsDurable() {
        EventEnvelope<BuildFinished> build = TestEvents.single(TestEvents.buildFailed("again", TestEvents.sha()));
        double duplicatesBefore = count("duplicate", "hook");
        events.publish(build);
        events.publish(build);
        await().atMost(WAIT).until(() -> receivers.at("/hook", build.id()).size() == 1
                && count("duplicate", "hook") >= duplicatesBefore + 1);
        events.publish(build);
        await().atMost(WAIT).until(() -> count("duplicate", "hook") >= duplicatesBefore + 2);
        assertThat(receivers.at("/hook", build.id())).hasSize(1);

        String key = KafkaSentLog.key(build.id(), "hook");
        assertThat(sentLog.log().state(key)).contains(KafkaSentLog.SENT);
        // what a restarted notifier reads back from the compacted topic
        try (KafkaSentLog restarted = new KafkaSentLog(bootstrapServers, "quayside.notifier.sent", Duration.ofDays(7))) {
            restarted.load(Duration.ofSeconds(30));
            assertThat(restarted.state(key)).contains(KafkaSentLog.SENT);
            assertThat(restarted.claim(key)).isFalse();
        }
    }

    @Test
    void aBurstOfSimilarEventsIsFoldedIntoOneDigest() {
        for (int i = 0; i < 6; i++) {
            events.publish(TestEvents.single(TestEvents.containerStarted("burst", i)));
        }
        await().atMost(WAIT).until(() -> receivers.at(MATTERMOST, "burst").size() >= 2);
        List<Request> messages = receivers.at(MATTERMOST, "burst");
        assertThat(messages.get(0).body()).contains("container-started started: burst");
        assertThat(messages.get(1).body()).contains("5 more similar container-started events");
        // the window closes with nothing held: no third message
        await().pollDelay(Duration.ofSeconds(3)).atMost(WAIT).until(() -> true);
        assertThat(receivers.at(MATTERMOST, "burst")).hasSize(2);
    }

    @Test
    void aFlappingFailureIsRemindedAtMostOncePerInterval() {
        long start = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            events.publish(TestEvents.single(TestEvents.deploymentFailed("flap")));
        }
        await().atMost(WAIT).until(() -> receivers.at(MATTERMOST, "flap").size() >= 2);
        List<Request> messages = receivers.at(MATTERMOST, "flap");
        assertThat(messages.get(0).body()).contains("Deployment failed: flap in staging");
        assertThat(messages.get(1).body()).contains("Still happening: 2 more deployment-failed");
        assertThat(Duration.ofNanos(messages.get(1).receivedAtNanos() - start)).isGreaterThanOrEqualTo(
                Duration.ofSeconds(3));
    }

    @Test
    void aChannelThatIsDownDoesNotHoldUpTheOthersAndEndsInTheDeadLetterTopic() {
        EventEnvelope<DeploymentFailed> failed = TestEvents.single(TestEvents.deploymentFailed("flaky"));
        events.publish(failed);
        await().atMost(WAIT).until(() -> receivers.at(TEAMS, "flaky").size() == 1);
        DeadLetters.DeadLetter dead = DeadLetters.await(bootstrapServers, failed.id(), WAIT);
        assertThat(dead).as("dead letter of %s", failed.id()).isNotNull();
        assertThat(dead.reason()).contains("channel 'down': HTTP 503").doesNotContain("/down");
        List<Request> attempts = receivers.at("/down", "flaky");
        assertThat(attempts).hasSize(3); // first try + 2 retries
        assertThat(receivers.at(TEAMS, "flaky").get(0).receivedAtNanos())
                .isLessThan(attempts.get(attempts.size() - 1).receivedAtNanos());
        assertThat(sentLog.log().state(KafkaSentLog.key(failed.id(), "teams"))).contains(KafkaSentLog.SENT);
        assertThat(sentLog.log().state(KafkaSentLog.key(failed.id(), "down"))).isEmpty();
    }

    @Test
    void aRejectedMessageIsNotRetriedAndIsDeadLettered() {
        EventEnvelope<DeploymentFailed> failed = TestEvents.single(TestEvents.deploymentFailed("picky"));
        events.publish(failed);
        DeadLetters.DeadLetter dead = DeadLetters.await(bootstrapServers, failed.id(), WAIT);
        assertThat(dead).isNotNull();
        assertThat(dead.reason()).contains("channel 'rejects': HTTP 400");
        assertThat(receivers.at("/rejects", "picky")).hasSize(1);
    }

    @Test
    void aMalformedRecordIsDeadLetteredWithTheReason() {
        events.publishRaw("quayside.builds", "{\"not\": \"an event 7f3a\"}".getBytes(StandardCharsets.UTF_8));
        DeadLetters.DeadLetter dead = DeadLetters.await(bootstrapServers, "an event 7f3a", WAIT);
        assertThat(dead).isNotNull();
        assertThat(dead.reason()).isNotBlank();
    }

    @Test
    void rulesMatchOnTheTeamLabelOfTheImage() {
        String sha = TestEvents.sha();
        EventEnvelope<ImageBuilt> image = TestEvents.single(new ImageBuilt("pay", "pay", sha, "main",
                "127.0.0.1:5000", "pay", sha.substring(0, 7), List.of(), "sha256:" + "a".repeat(64),
                "pkg:oci/pay@sha256%3A" + "a".repeat(64), Map.of("team", "payments"), false));
        publishAndAwaitUnrouted(image);
        events.publish(TestEvents.single(new ServiceRolledBack(TestEvents.deployment("pay", "production", 5000),
                "v1", "health checks failed")));
        await().atMost(WAIT).until(() -> receivers.at(GCHAT, "Rolled back: pay in production").size() == 1);
        JsonNode gchat = PayloadShapes.parse(receivers.at(GCHAT, "Rolled back: pay").get(0).body());
        assertThat(PayloadShapes.googleChat(gchat)).isEmpty();
        assertThat(gchat.toString()).contains("health checks failed")
                .contains("http://127.0.0.1:8080/ui/#/apps//production/pay")
                .contains("http://127.0.0.1:5000/v2/pay/tags/list");
    }

    @Test
    void aTemplateFileOverridesTheBuiltInOne() {
        events.publish(TestEvents.single(new dev.quayside.events.ServiceDeployed(
                TestEvents.deployment("shop", "qa", 65_000))));
        await().atMost(WAIT).until(() -> receivers.at(SLACK, "Shipped shop to qa (custom template)").size() == 1);
        JsonNode slack = PayloadShapes.parse(receivers.at(SLACK, "Shipped shop to qa").get(0).body());
        assertThat(PayloadShapes.slack(slack)).isEmpty();
        assertThat(slack.at("/blocks/1/text/text").asText()).isEqualTo("It took 1 min 5 s.");
    }

    @Test
    void channelsAndRulesAreListedWithoutSecrets() {
        String channels = RestAssured.get("/notifier/channels").then().statusCode(200).extract().asString();
        assertThat(channels).contains("\"hook\":\"webhook\"").contains("\"gchat\":\"google-chat\"")
                .doesNotContain(NotifierTestResources.HOOK_SECRET).doesNotContain("127.0.0.1");
        RestAssured.get("/notifier/rules").then().statusCode(200)
                .body("name", org.hamcrest.Matchers.hasItem("shop-build-failures"));
        RestAssured.get("/q/health/ready").then().statusCode(200)
                .body("checks.name", org.hamcrest.Matchers.hasItem("notifier-sent-log"));
    }

    private void publishAndAwaitUnrouted(EventEnvelope<?> envelope) {
        double before = count("unrouted", "none");
        events.publish(envelope);
        await().atMost(WAIT).until(() -> count("unrouted", "none") > before);
    }


    private List<MimeMessage> mails(String text) {
        return Arrays.stream(greenMail.getReceivedMessages()).filter(m -> {
            try {
                return m.getSubject().contains(text);
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private static String messageId(MimeMessage message) {
        try {
            return message.getMessageID();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hmac(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }
}
