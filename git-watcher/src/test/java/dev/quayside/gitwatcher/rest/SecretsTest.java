package dev.quayside.gitwatcher.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quayside.gitwatcher.support.CapturedLogs;
import dev.quayside.gitwatcher.support.CommitPushedTopic;
import dev.quayside.gitwatcher.support.Fixtures;
import dev.quayside.gitwatcher.support.GitWatcherTest;
import dev.quayside.gitwatcher.support.HardenedProfile;
import dev.quayside.kit.security.Hmac;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Credentials never leave git-watcher: not in events, not in {@code GET /repositories}, not in errors or logs; and
 * webhook secrets and Git tokens can be read from files.
 */
@QuarkusTest
@GitWatcherTest
@TestProfile(HardenedProfile.class)
class SecretsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final CommitPushedTopic topic = CommitPushedTopic.shared();

    /** The GitHub sample push, re-addressed to {@code owner/name} on github.example with a fresh head. */
    static byte[] pushTo(String owner, String name, String head) throws Exception {
        ObjectNode push = (ObjectNode) MAPPER.readTree(Fixtures.webhook("github/push.branch-update.go-playground.json"));
        String after = push.get("after").asText();
        ObjectNode repository = (ObjectNode) push.get("repository");
        repository.put("full_name", owner + "/" + name);
        for (String field : List.of("clone_url", "ssh_url", "html_url", "git_url", "url")) {
            repository.put(field, "https://github.example/" + owner + "/" + name + ".git");
        }
        return MAPPER.writeValueAsString(push).replace(after, head).getBytes(StandardCharsets.UTF_8);
    }

    static String freshHead() {
        return UUID.randomUUID().toString().replace("-", "") + "00000000";
    }

    @Test
    void credentialsInACloneUrlAreInNoEventAnswerErrorOrLog() throws Exception {
        try (CapturedLogs logs = CapturedLogs.start()) {
            String head = freshHead();
            byte[] body = pushTo("acme", "creds", head);
            WebhookResourceTest.post("github", Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256",
                    Hmac.sha256Header(HardenedProfile.CREDS_SECRET, body)), body).statusCode(200)
                    .body("refs[0].status", equalTo("EMITTED"));
            CommitPushedTopic.Received received = topic.await(e -> e.after().equals(head)).get(0);
            assertThat(received.event().data().cloneUrl()).isEqualTo("https://github.example/acme/creds.git");

            String listing = given().get("/repositories").then().statusCode(200)
                    .body("find { it.name == 'creds' }.cloneUrl", equalTo("https://github.example/acme/creds.git"))
                    .body("find { it.name == 'token-in-url' }.cloneUrl", equalTo(
                            "http://127.0.0.1:" + port() + "/acme/a.git"))
                    .extract().asString();
            String failure = given().header("Authorization", "Bearer test-operator-token").post("/repositories/token-in-url/sync").then().statusCode(502).extract()
                    .asString();
            String lastPoll = given().get("/repositories").then().extract().asString();

            for (String secret : List.of(HardenedProfile.CREDS_PASSWORD, HardenedProfile.URL_TOKEN)) {
                assertThat(listing).doesNotContain(secret);
                assertThat(failure).doesNotContain(secret);
                assertThat(lastPoll).doesNotContain(secret);
                assertThat(logs.lines()).as("log lines").noneMatch(line -> line.contains(secret));
            }
            assertThat(failure).contains("token-in-url");
            assertThat(logs.lines()).as("the failed sync was logged").anyMatch(line -> line.contains("token-in-url"));
        }
    }

    @Test
    void webhookSecretsAndGitTokensAreReadFromFiles() throws Exception {
        String head = freshHead();
        byte[] body = pushTo("acme", "filed", head);
        WebhookResourceTest.post("github", Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256",
                Hmac.sha256Header(HardenedProfile.FILED_SECRET + "\n", body)), body)
                .statusCode(401);
        WebhookResourceTest.post("github/filed", Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256",
                Hmac.sha256Header(HardenedProfile.FILED_SECRET, body)), body).statusCode(200)
                .body("refs[0].status", equalTo("EMITTED"));
        assertThat(topic.await(e -> e.after().equals(head))).singleElement()
                .satisfies(r -> assertThat(r.event().data().repository()).isEqualTo("filed"));

        HardenedProfile.AUTHORIZATIONS.clear();
        String failure = given().header("Authorization", "Bearer test-operator-token").post("/repositories/token-file/sync").then().statusCode(502).extract().asString();
        assertThat(HardenedProfile.AUTHORIZATIONS).isNotEmpty().allSatisfy(header -> assertThat(
                new String(Base64.getDecoder().decode(header.substring("Basic ".length())), StandardCharsets.UTF_8))
                .isEqualTo("x-access-token:" + HardenedProfile.FILE_TOKEN));
        assertThat(failure).doesNotContain(HardenedProfile.FILE_TOKEN);
    }

    private static int port() {
        return Integer.parseInt(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("quayside.git-watcher.repositories.token-file.clone-url", String.class)
                .replaceAll(".*:(\\d+)/.*", "$1"));
    }
}
