package dev.quayside.gitwatcher.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.quayside.gitwatcher.support.CommitPushedTopic;
import dev.quayside.gitwatcher.support.Fixtures;
import dev.quayside.gitwatcher.support.GitWatcherTest;
import dev.quayside.gitwatcher.support.WatchedReposResource;
import dev.quayside.kit.security.Hmac;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What an unauthenticated caller can learn and cost: nothing is read before the signature header is there, the
 * per-repository URLs check the signature on the raw bytes before any parsing, and an unknown repository is answered
 * exactly like a bad signature.
 */
@QuarkusTest
@GitWatcherTest
class WebhookSecurityTest {

    private final CommitPushedTopic topic = CommitPushedTopic.shared();

    /** Each host's event header and an event it acts on. */
    private static final Map<String, String[]> EVENTS = Map.of(
            "github", new String[] {"X-GitHub-Event", "push"},
            "gitlab", new String[] {"X-Gitlab-Event", "Push Hook"},
            "gitea", new String[] {"X-Gitea-Event", "push"},
            "bitbucket", new String[] {"X-Event-Key", "repo:push"},
            "bitbucket-server", new String[] {"X-Event-Key", "repo:refs_changed"},
            "generic", new String[] {"X-Quayside-Event", "push"});

    /**
     * Sends a request's line and headers with {@code Expect: 100-continue} and a {@code Content-Length}, but never its
     * body, and returns the server's first answer (status line, body): {@code 100 Continue} means it wants the body;
     * a final status means it decided without reading it.
     */
    private static String[] answerWithoutSendingTheBody(String path, String eventHeader, String event)
            throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), RestAssured.port)) {
            socket.setSoTimeout(30_000);
            String request = "POST /webhooks/" + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\n" + eventHeader + ": " + event + "\r\n"
                    + "Expect: 100-continue\r\nContent-Length: 1048576\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            String status = in.readLine();
            int length = 0;
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            char[] body = new char[length];
            int read = 0;
            while (status != null && !status.contains(" 100 ") && read < length) {
                int n = in.read(body, read, length - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            return new String[] {status, new String(body, 0, read)};
        }
    }

    @Test
    void aRequestWithoutItsSignatureHeaderIsRefusedBeforeItsBodyIsRead() throws Exception {
        for (String path : List.of("github", "gitlab", "gitea", "bitbucket", "bitbucket-server", "generic",
                "github/sample-app", "generic/hooked", "gitlab/no-such-repository")) {
            String[] event = EVENTS.get(path.split("/")[0]);
            String[] answer = answerWithoutSendingTheBody(path, event[0], event[1]);
            assertThat(answer[0]).as(path + ": the first answer, before any byte of the body")
                    .startsWith("HTTP/1.1 401");
            assertThat(answer[1]).as(path).contains("signature missing or wrong");
        }
    }

    @Test
    void perRepositoryUrlsCheckTheSignatureOnTheRawBytesBeforeParsing() throws Exception {
        byte[] notJson = "{\"ref\": refs/heads/main".getBytes(StandardCharsets.UTF_8);
        // not JSON, wrong signature: refused for the signature, the body never parsed
        WebhookResourceTest.post("github/sample-app", Map.of("X-GitHub-Event", "push",
                "X-Hub-Signature-256", Hmac.sha256Header("guessed", notJson)), notJson)
                .statusCode(401).body("reason", equalTo("signature missing or wrong"));
        // not JSON, signed: now it is read, and refused for what it is
        WebhookResourceTest.post("github/sample-app", Map.of("X-GitHub-Event", "push",
                "X-Hub-Signature-256", Hmac.sha256Header(WatchedReposResource.DEFAULT_SECRET,
                        notJson)), notJson)
                .statusCode(400).body("reason", containsString("not JSON"));

        // a real push to the repository's own URL (its own secret) becomes its event
        byte[] push = Fixtures.webhook("github/push.with-new-branch.payload.json");
        String after = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";
        WebhookResourceTest.post("github/hello-world", Map.of("X-GitHub-Event", "push", "X-GitHub-Delivery",
                UUID.randomUUID().toString(), "X-Hub-Signature-256", Hmac.sha256Header(
                        WatchedReposResource.GITHUB_SECRET, push)), push).statusCode(200)
                .body("refs[0].status", org.hamcrest.Matchers.oneOf("EMITTED", "DUPLICATE"));
        assertThat(topic.await(e -> e.repository().equals("hello-world") && e.after().equals(after))).hasSize(1);

        // signed for sample-app, but the payload names another watched repository: refused, nothing emitted
        byte[] other = Fixtures.webhook("github/push.branch-update.argo-cd.json");
        WebhookResourceTest.post("github/sample-app", Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256",
                Hmac.sha256Header(WatchedReposResource.DEFAULT_SECRET, other)), other)
                .statusCode(400).body("reason", containsString("not sample-app"));

        // the generic hook's URL per repository, signed with that repository's secret
        byte[] generic = ("{\"repository\":\"hooked\",\"ref\":\"refs/heads/x\",\"before\":\"" + "0".repeat(40)
                + "\",\"after\":\"" + "0".repeat(40) + "\"}").getBytes(StandardCharsets.UTF_8);
        WebhookResourceTest.post("generic/hooked", Map.of("X-Quayside-Event", "ping", "X-Quayside-Signature-256",
                Hmac.sha256Header(WatchedReposResource.HOOK_SECRET, generic)), generic)
                .statusCode(200).body("status", equalTo("pong"));
    }

    @Test
    void anUnknownRepositoryIsAnsweredExactlyLikeABadSignature() {
        byte[] push = Fixtures.webhook("github/push.branch-update.go-playground.json");
        String wrong = Hmac.sha256Header("guessed", push);
        String right = Hmac.sha256Header(WatchedReposResource.DEFAULT_SECRET, push);
        ExtractableResponse<Response> badSignature = given().contentType("application/json")
                .headers(Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", wrong)).body(push)
                .post("/webhooks/github/sample-app").then().extract();
        for (String signature : List.of(wrong, right)) {
            ExtractableResponse<Response> unknown = given().contentType("application/json")
                    .headers(Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", signature)).body(push)
                    .post("/webhooks/github/no-such-repository").then().extract();
            assertThat(unknown.statusCode()).isEqualTo(401).isEqualTo(badSignature.statusCode());
            assertThat(unknown.asString()).isEqualTo(badSignature.asString());
            assertThat(unknown.contentType()).isEqualTo(badSignature.contentType());
        }
        // the same for a host whose "signature" is the secret itself
        byte[] gitlab = Fixtures.webhook("gitlab/push.json");
        String known = given().contentType("application/json").headers(Map.of("X-Gitlab-Event", "Push Hook",
                "X-Gitlab-Token", "guessed")).body(gitlab).post("/webhooks/gitlab/diaspora").then().statusCode(401)
                .extract().asString();
        String unknown = given().contentType("application/json").headers(Map.of("X-Gitlab-Event", "Push Hook",
                "X-Gitlab-Token", WatchedReposResource.DEFAULT_SECRET)).body(gitlab)
                .post("/webhooks/gitlab/no-such-repository").then().statusCode(401).extract().asString();
        assertThat(unknown).isEqualTo(known);
    }
}
