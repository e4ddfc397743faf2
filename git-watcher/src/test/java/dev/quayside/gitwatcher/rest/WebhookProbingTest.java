package dev.quayside.gitwatcher.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.gitwatcher.support.Fixtures;
import dev.quayside.gitwatcher.support.GitWatcherTest;
import dev.quayside.gitwatcher.support.HardenedProfile;
import dev.quayside.gitwatcher.support.WatchedReposResource;
import dev.quayside.kit.security.Hmac;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Without a default secret, an unauthenticated caller cannot tell a watched repository from an unknown one: a repository
 * that is not watched, one that has no secret and one whose signature is wrong all get the same answer, on the
 * shared URLs and on the per-repository ones.
 */
@QuarkusTest
@GitWatcherTest
@TestProfile(HardenedProfile.class)
class WebhookProbingTest {

    private static ExtractableResponse<Response> github(String path, byte[] body, String secret) {
        return given().contentType("application/json").headers(Map.of("X-GitHub-Event", "push",
                "X-GitHub-Delivery", "probe", "X-Hub-Signature-256", Hmac.sha256Header(secret,
                        body))).body(body).post("/webhooks/" + path).then().extract();
    }

    private static void sameAnswer(ExtractableResponse<Response> expected, ExtractableResponse<Response> actual,
            String what) {
        assertThat(actual.statusCode()).as(what).isEqualTo(401).isEqualTo(expected.statusCode());
        assertThat(actual.asString()).as(what).isEqualTo(expected.asString());
    }

    @Test
    void watchedUnknownAndSecretlessRepositoriesAnswerAlike() throws Exception {
        // hello-world has its own secret: a wrong signature is the reference answer
        byte[] watched = Fixtures.webhook("github/push.with-new-branch.payload.json");
        ExtractableResponse<Response> badSignature = github("github", watched, "guessed");
        // a repository nobody configured, signed with anything
        byte[] unknown = SecretsTest.pushTo("mallory", "evil", SecretsTest.freshHead());
        // sample-app is watched but has no secret (and there is no default one): it cannot be authenticated
        byte[] secretless = Fixtures.webhook("github/push.branch-update.go-playground.json");
        for (String secret : List.of("guessed", WatchedReposResource.DEFAULT_SECRET)) {
            sameAnswer(badSignature, github("github", unknown, secret), "unknown repository, secret '" + secret + "'");
            sameAnswer(badSignature, github("github", secretless, secret), "no secret, secret '" + secret + "'");
            sameAnswer(badSignature, github("github/mallory-evil", unknown, secret), "unknown repository URL");
            sameAnswer(badSignature, github("github/sample-app", secretless, secret), "no secret, its own URL");
        }
        sameAnswer(badSignature, github("github/hello-world", watched, "guessed"), "its own URL");
        // a ping names no repository an outsider could learn about either
        byte[] ping = Fixtures.webhook("github/ping.payload.json");
        ExtractableResponse<Response> pong = given().contentType("application/json").headers(Map.of(
                "X-GitHub-Event", "ping", "X-Hub-Signature-256", Hmac.sha256Header("guessed", ping)))
                .body(ping).post("/webhooks/github").then().extract();
        sameAnswer(badSignature, pong, "ping");
    }
}
