package dev.quayside.gitwatcher.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.gitwatcher.support.Fixtures;
import dev.quayside.gitwatcher.support.GitWatcherTest;
import dev.quayside.gitwatcher.support.WatchedReposResource;
import dev.quayside.kit.security.Hmac;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Mutated real payloads, correctly signed so they get past the signature check, over HTTP — to each host's shared URL
 * and to the repository's own URL: never a 5xx. And on the repository's own URL the signature comes first: a mutant
 * sent with the original body's signature is always the one 401, whatever the mutation did to the JSON. (Bitbucket
 * Server and generic pushes are left out: their commits are fetched from the configured remote, which for the samples
 * does not exist, and an unreachable remote is a 502 by design.)
 */
@QuarkusTest
@GitWatcherTest
class WebhookFuzzTest {

    private record Target(String path, String eventHeader, String event, String fixture, String signatureHeader,
            String prefix, String secret, String after, String repository) {
    }

    private static final Target[] TARGETS = {
        new Target("github", "X-GitHub-Event", "push", "github/push.branch-update.go-playground.json",
                "X-Hub-Signature-256", "sha256=", WatchedReposResource.DEFAULT_SECRET,
                "fd489864e7642b48eaad6e3f155c10e46810ec72", "sample-app"),
        new Target("github", "X-GitHub-Event", "push", "github/push.with-new-branch.payload.json",
                "X-Hub-Signature-256", "sha256=", WatchedReposResource.GITHUB_SECRET,
                "6113728f27ae82c7b1a177c8d03f9e96e0adf246", "hello-world"),
        new Target("gitlab", "X-Gitlab-Event", "Push Hook", "gitlab/push.json", "X-Gitlab-Token", null,
                WatchedReposResource.DEFAULT_SECRET, "da1560886d4f094c3e6c9ef40349f7d38b5d27d7", "diaspora"),
        new Target("gitea", "X-Gitea-Event", "push", "gitea/push.json", "X-Gitea-Signature", "",
                WatchedReposResource.DEFAULT_SECRET, "bffeb74224043ba2feb48d137756c8a9331c449a", "gitea-webhooks"),
        new Target("bitbucket", "X-Event-Key", "repo:push", "bitbucket/cloud-repo-push.json", "X-Hub-Signature",
                "sha256=", WatchedReposResource.DEFAULT_SECRET, "709d658dc5b6d6afcd46049c2f332ee3f515a67d",
                "bitbucket-cloud"),
    };

    private static final String UNAUTHENTICATED = "{\"status\":\"error\",\"reason\":\"signature missing or wrong\"}";

    private static ExtractableResponse<Response> post(Target target, String path, String signature, byte[] body) {
        return given().contentType("application/json").header(target.eventHeader(), target.event())
                .header(target.signatureHeader(), signature).body(body).post("/webhooks/" + path).then().extract();
    }

    @Test
    void mutatedSignedPayloadsNeverGetA5xx() {
        Random random = new Random(42);
        Map<Integer, Integer> statuses = new TreeMap<>();
        int perTarget = 60;
        int staleRefused = 0;
        for (Target target : TARGETS) {
            String original = new String(Fixtures.webhook(target.fixture()), StandardCharsets.UTF_8);
            assertThat(original).contains(target.after());
            for (int i = 0; i < perTarget; i++) {
                // a fresh head per mutant, so that valid mutants do not collide with the other tests' pushes
                String head = String.format("%040x", new java.math.BigInteger(159, random));
                byte[] body = original.replace(target.after(), head).getBytes(StandardCharsets.UTF_8);
                for (int m = 0; m < 1 + random.nextInt(4); m++) {
                    int at = random.nextInt(body.length);
                    String syntax = "{}[]\":,0az \\";
                    body[at] = (byte) (random.nextBoolean() ? syntax.charAt(random.nextInt(syntax.length()))
                            : random.nextInt(256));
                }
                String signature = target.prefix() == null ? target.secret()
                        : target.prefix() + Hmac.sha256Hex(target.secret(), body);
                for (String path : new String[] {target.path(), target.path() + "/" + target.repository()}) {
                    int status = post(target, path, signature, body).statusCode();
                    statuses.merge(status, 1, Integer::sum);
                    assertThat(status).as(path + " " + target.fixture() + " mutant " + i + ": " + new String(body))
                            .isLessThan(500);
                }
                // the signature first: with the original body's signature (or a wrong token), the mutant is never read
                if (target.prefix() == null || !Arrays.equals(body, original.getBytes(StandardCharsets.UTF_8))) {
                    String stale = target.prefix() == null ? "not-" + target.secret() : target.prefix()
                            + Hmac.sha256Hex(target.secret(), original.getBytes(StandardCharsets.UTF_8));
                    ExtractableResponse<Response> refused = post(target, target.path() + "/" + target.repository(),
                            stale, body);
                    staleRefused++;
                    assertThat(refused.statusCode()).as(target.fixture() + " stale mutant " + i).isEqualTo(401);
                    assertThat(refused.asString()).isEqualTo(UNAUTHENTICATED);
                }
            }
        }
        System.out.println("webhook fuzz statuses: " + statuses + "; " + staleRefused
                + " mutants with a stale signature refused unread");
        assertThat(statuses).containsKey(400);
        assertThat(staleRefused).isGreaterThan(TARGETS.length * perTarget / 2);
    }
}
