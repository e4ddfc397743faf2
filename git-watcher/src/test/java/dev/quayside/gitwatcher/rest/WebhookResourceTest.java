package dev.quayside.gitwatcher.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quayside.events.CommitPushed.RefChange;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventIds;
import dev.quayside.events.EventType;
import dev.quayside.gitwatcher.support.CommitPushedTopic;
import dev.quayside.gitwatcher.support.Fixtures;
import dev.quayside.gitwatcher.support.GitWatcherTest;
import dev.quayside.gitwatcher.support.WatchedReposResource;
import dev.quayside.kit.security.Hmac;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The webhook endpoints over HTTP, with real signatures, against the real broker. */
@QuarkusTest
@GitWatcherTest
class WebhookResourceTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final CommitPushedTopic topic = CommitPushedTopic.shared();

    static ValidatableResponse post(String host, Map<String, String> headers, byte[] body) {
        return given().contentType("application/json").headers(headers).body(body)
                .post("/webhooks/" + host).then();
    }

    static ValidatableResponse github(String event, String secret, byte[] body, String delivery) {
        return post("github", Map.of("X-GitHub-Event", event, "X-GitHub-Delivery", delivery,
                "X-Hub-Signature-256", Hmac.sha256Header(secret, body)), body);
    }

    private static void settle() throws InterruptedException {
        Thread.sleep(500);
    }

    @Test
    void githubPushEmitsOneEventAndRedeliveriesNone() throws Exception {
        byte[] body = Fixtures.webhook("github/push.branch-update.go-playground.json");
        String delivery = UUID.randomUUID().toString();
        String after = "fd489864e7642b48eaad6e3f155c10e46810ec72";
        String expectedId = EventIds.of(EventType.COMMIT_PUSHED, "sample-app", "refs/heads/master", after);
        github("push", WatchedReposResource.DEFAULT_SECRET, body, delivery).statusCode(200)
                .body("status", equalTo("accepted"))
                .body("refs[0].status", equalTo("EMITTED"))
                .body("refs[0].eventId", equalTo(expectedId));

        List<CommitPushedTopic.Received> events = topic.await(e -> e.after().equals(after));
        assertThat(events).hasSize(1);
        CommitPushedTopic.Received received = events.get(0);
        CommitPushed event = received.event().data();
        assertThat(received.key()).isEqualTo("sample-app");
        assertThat(received.ceId()).isEqualTo(expectedId);
        assertThat(received.ceType()).isEqualTo("dev.cdevents.change.merged.0.3.0");
        assertThat(received.event().id()).isEqualTo(expectedId);
        assertThat(received.event().chainId()).isEqualTo(expectedId);
        assertThat(event.repository()).isEqualTo("sample-app");
        assertThat(event.repositoryKind()).isEqualTo("app");
        assertThat(event.cloneUrl()).isEqualTo("git@github.com:binkkatal/sample_app.git");
        assertThat(event.ref()).isEqualTo("refs/heads/master");
        assertThat(event.change()).isEqualTo(RefChange.BRANCH_UPDATED);
        assertThat(event.before()).isEqualTo("737d38c599c1b2991664dfc6155d6bf516fcce36");
        assertThat(event.commits()).extracting(CommitPushed.Commit::message).containsExactly("test a push event");
        assertThat(event.pusher().email()).isEqualTo("binkkatal.r@gmail.com");
        assertThat(event.deliveryId()).isEqualTo(delivery);
        assertThat(event.hostKind()).isEqualTo("github");

        github("push", WatchedReposResource.DEFAULT_SECRET, body, delivery).statusCode(200)
                .body("status", equalTo("duplicate"))
                .body("reason", containsString(delivery));
        github("push", WatchedReposResource.DEFAULT_SECRET, body, UUID.randomUUID().toString()).statusCode(200)
                .body("status", equalTo("duplicate"))
                .body("refs[0].status", equalTo("DUPLICATE"))
                .body("refs[0].eventId", equalTo(expectedId));
        settle();
        assertThat(topic.matching(e -> e.after().equals(after))).hasSize(1);
    }

    @Test
    void perRepositorySecretIsRequiredAndWrongSignaturesAreRefused() throws Exception {
        byte[] body = Fixtures.webhook("github/push.with-new-branch.payload.json");
        String after = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";
        github("push", WatchedReposResource.DEFAULT_SECRET, body, UUID.randomUUID().toString()).statusCode(401)
                .body("reason", equalTo("signature missing or wrong"));
        post("github", Map.of("X-GitHub-Event", "push"), body).statusCode(401);
        post("github", Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=nothex"), body)
                .statusCode(401);
        settle();
        assertThat(topic.matching(e -> e.repository().equals("hello-world") && e.after().equals(after))).isEmpty();

        github("push", WatchedReposResource.GITHUB_SECRET, body, UUID.randomUUID().toString()).statusCode(200)
                .body("refs[0].change", equalTo("BRANCH_CREATED"));
        assertThat(topic.await(e -> e.repository().equals("hello-world") && e.after().equals(after)))
                .singleElement().satisfies(r -> assertThat(r.event().data().commits()).hasSize(1));
    }

    @Test
    void tagDeletionIsItsOwnKindAndTheSameDeletionFromOtherSamplesIsADuplicate() throws Exception {
        github("push", WatchedReposResource.GITHUB_SECRET, Fixtures.webhook("github/push.payload.json"),
                UUID.randomUUID().toString()).statusCode(200).body("refs[0].change", equalTo("TAG_DELETED"));
        for (String same : List.of("github/push.1.payload.json", "github/push.with-installation.payload.json",
                "github/push.with-organization.payload.json")) {
            github("push", WatchedReposResource.GITHUB_SECRET, Fixtures.webhook(same), UUID.randomUUID().toString())
                    .statusCode(200).body("status", equalTo("duplicate"));
        }
        settle();
        assertThat(topic.matching(e -> e.ref().equals("refs/tags/simple-tag"))).singleElement()
                .satisfies(r -> {
                    assertThat(r.event().data().change()).isEqualTo(RefChange.TAG_DELETED);
                    assertThat(r.event().data().after()).isEqualTo(CommitPushed.ZERO_SHA);
                    assertThat(r.event().data().commits()).isEmpty();
                });
    }

    @Test
    void unwatchedBranchesAndRepositoriesAreIgnoredWithTheReason() throws Exception {
        github("push", WatchedReposResource.DEFAULT_SECRET, Fixtures.webhook("github/push.branch-update.argo-cd.json"),
                UUID.randomUUID().toString()).statusCode(202)
                .body("status", equalTo("ignored"))
                .body("reason", containsString("branch master does not match [develop]"));

        ObjectNode foreign = (ObjectNode) MAPPER.readTree(Fixtures.webhook("github/push.branch-update.go-playground.json"));
        ObjectNode repository = (ObjectNode) foreign.get("repository");
        repository.put("full_name", "mallory/evil");
        repository.put("clone_url", "https://evil.example/mallory/evil.git");
        repository.put("ssh_url", "git@evil.example:mallory/evil.git");
        repository.put("html_url", "https://evil.example/mallory/evil");
        repository.put("git_url", "git://evil.example/mallory/evil.git");
        repository.put("url", "https://evil.example/mallory/evil");
        byte[] body = MAPPER.writeValueAsBytes(foreign);
        github("push", WatchedReposResource.DEFAULT_SECRET, body, UUID.randomUUID().toString()).statusCode(202)
                .body("status", equalTo("ignored"))
                .body("reason", equalTo("repository mallory/evil is not watched"));
        github("push", "guessed", body, UUID.randomUUID().toString()).statusCode(401);
        settle();
        assertThat(topic.matching(e -> e.repository().equals("argo-test-repo"))).isEmpty();
    }

    @Test
    void pingsAndOtherEvents() {
        github("ping", WatchedReposResource.DEFAULT_SECRET, Fixtures.webhook("github/ping.payload.json"), "p1")
                .statusCode(200).body("status", equalTo("pong"));
        github("ping", WatchedReposResource.DEFAULT_SECRET,
                Fixtures.webhook("github/ping.with-organization.payload.json"), "p2")
                .statusCode(200).body("status", equalTo("pong"));
        github("ping", "wrong", Fixtures.webhook("github/ping.payload.json"), "p3").statusCode(401);
        github("issues", WatchedReposResource.DEFAULT_SECRET, Fixtures.webhook("github/push.payload.json"), "i1")
                .statusCode(202).body("status", equalTo("ignored"))
                .body("reason", containsString("'issues'"));
        post("github", Map.of(), Fixtures.webhook("github/push.payload.json")).statusCode(400)
                .body("reason", containsString("no event header"));
    }

    @Test
    void badInputGetsAClearClientError() {
        byte[] notJson = "{\"ref\": refs/heads/main".getBytes();
        github("push", WatchedReposResource.DEFAULT_SECRET, notJson, "b1").statusCode(400)
                .body("reason", containsString("not JSON"));
        github("push", WatchedReposResource.DEFAULT_SECRET, new byte[0], "b2").statusCode(400)
                .body("reason", equalTo("empty body"));
        byte[] notAPush = "{\"zen\": \"Keep it logically awesome.\"}".getBytes();
        github("push", WatchedReposResource.DEFAULT_SECRET, notAPush, "b3").statusCode(400)
                .body("reason", containsString("'repository' must be an object"));
        github("push", WatchedReposResource.DEFAULT_SECRET, "[1,2]".getBytes(), "b4").statusCode(400)
                .body("reason", containsString("not a JSON object"));
        given().contentType("text/plain").header("X-GitHub-Event", "push")
                .body(Fixtures.webhook("github/push.payload.json")).post("/webhooks/github").then()
                .statusCode(415).body("reason", containsString("text/plain"));
        given().contentType("application/x-www-form-urlencoded").header("X-GitHub-Event", "push")
                .body("payload=%7B%7D").post("/webhooks/github").then().statusCode(415);
        assertThat(postHuge()).isEqualTo(413);
        post("gitlab", Map.of("X-Gitlab-Event", "Tag Push Hook", "X-Gitlab-Token", WatchedReposResource.DEFAULT_SECRET),
                Fixtures.webhook("gitlab/push.json")).statusCode(400)
                .body("reason", containsString("object_kind 'push'"));
    }

    /** A body one byte over 5 MB, announced with Expect: 100-continue so the refusal arrives before the upload. */
    private static int postHuge() {
        byte[] huge = new byte[5 * 1024 * 1024 + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        java.net.http.HttpRequest request = java.net.http.HttpRequest
                .newBuilder(java.net.URI.create("http://127.0.0.1:" + io.restassured.RestAssured.port
                        + "/webhooks/github"))
                .expectContinue(true).version(java.net.http.HttpClient.Version.HTTP_1_1).header("Content-Type", "application/json").header("X-GitHub-Event", "push")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(huge)).build();
        try {
            return java.net.http.HttpClient.newHttpClient()
                    .send(request, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void gitlabPushesAndTagsByConfiguration() throws Exception {
        byte[] push = Fixtures.webhook("gitlab/push.json");
        post("gitlab", Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", "wrong"), push).statusCode(401);
        post("gitlab", Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", WatchedReposResource.DEFAULT_SECRET,
                "X-Gitlab-Event-UUID", UUID.randomUUID().toString()), push).statusCode(200)
                .body("refs[0].status", equalTo("EMITTED"));
        assertThat(topic.await(e -> e.repository().equals("diaspora")
                && e.after().equals("da1560886d4f094c3e6c9ef40349f7d38b5d27d7"))).singleElement().satisfies(r -> {
            assertThat(r.event().data().hostKind()).isEqualTo("gitlab");
            assertThat(r.event().data().commits()).hasSize(2);
            assertThat(r.event().data().pusher().username()).isEqualTo("jsmith");
        });
        post("gitlab", Map.of("X-Gitlab-Event", "Tag Push Hook", "X-Gitlab-Token", WatchedReposResource.DEFAULT_SECRET),
                Fixtures.webhook("gitlab/tag_push.json")).statusCode(202)
                .body("reason", containsString("tags of jsmith-example are not watched"));
        post("gitlab", Map.of("X-Gitlab-Event", "Merge Request Hook", "X-Gitlab-Token", "whatever"), push)
                .statusCode(202);
    }

    @Test
    void giteaForgejoAndBitbucket() throws Exception {
        byte[] gitea = Fixtures.webhook("gitea/push.json");
        post("gitea", Map.of("X-Gitea-Event", "push", "X-Gitea-Delivery", UUID.randomUUID().toString(),
                "X-Gitea-Signature", Hmac.sha256Hex(WatchedReposResource.DEFAULT_SECRET, gitea)), gitea)
                .statusCode(200).body("refs[0].change", equalTo("BRANCH_UPDATED"));
        byte[] forgejo = Fixtures.webhook("gitea/push-event.go-playground.json");
        post("gitea", Map.of("X-Forgejo-Event", "push", "X-Forgejo-Signature",
                Hmac.sha256Hex(WatchedReposResource.DEFAULT_SECRET, forgejo)), forgejo)
                .statusCode(200).body("refs[0].change", equalTo("BRANCH_CREATED"));
        post("gitea", Map.of("X-Gogs-Event", "push", "X-Gogs-Signature", "00"), forgejo).statusCode(401);

        byte[] cloud = Fixtures.webhook("bitbucket/cloud-repo-push.json");
        post("bitbucket", Map.of("X-Event-Key", "repo:push", "X-Request-UUID", UUID.randomUUID().toString(),
                "X-Hub-Signature", Hmac.sha256Header(WatchedReposResource.DEFAULT_SECRET, cloud)),
                cloud).statusCode(200).body("refs[0].status", equalTo("EMITTED"));

        byte[] server = Fixtures.webhook("bitbucket/server-repo-refs-changed.json");
        post("bitbucket-server", Map.of("X-Event-Key", "repo:refs_changed", "X-Hub-Signature",
                Hmac.sha256Header(WatchedReposResource.DEFAULT_SECRET, server)), server)
                .statusCode(200).body("refs[0].change", equalTo("BRANCH_DELETED"));
        post("bitbucket-server", Map.of("X-Event-Key", "diagnostics:ping", "X-Hub-Signature",
                Hmac.sha256Header(WatchedReposResource.DEFAULT_SECRET, "{}".getBytes())),
                "{}".getBytes()).statusCode(200).body("status", equalTo("pong"));

        assertThat(topic.await(e -> e.repository().equals("gitea-webhooks")
                && e.after().equals("bffeb74224043ba2feb48d137756c8a9331c449a"))).hasSize(1);
        assertThat(topic.await(e -> e.repository().equals("gitea-example")
                && e.after().equals("67b56589a45103f891bdee7c0546e5d40bc02001"))).hasSize(1);
        assertThat(topic.await(e -> e.repository().equals("bitbucket-cloud")
                && e.after().equals("709d658dc5b6d6afcd46049c2f332ee3f515a67d"))).singleElement()
                .satisfies(r -> assertThat(r.event().data().ref()).isEqualTo("refs/heads/name-of-branch"));
        assertThat(topic.await(e -> e.repository().equals("webhook-test"))).singleElement().satisfies(r -> {
            assertThat(r.event().data().change()).isEqualTo(RefChange.BRANCH_DELETED);
            assertThat(r.event().data().commits()).isEmpty();
            assertThat(r.event().data().hostKind()).isEqualTo("bitbucket-server");
        });
    }

    static ValidatableResponse gitea(String event, ObjectNode payload) throws Exception {
        byte[] body = MAPPER.writeValueAsBytes(payload);
        return post("gitea", Map.of("X-Gitea-Event", event, "X-Gitea-Delivery", UUID.randomUUID().toString(),
                "X-Gitea-Signature", Hmac.sha256Hex(WatchedReposResource.DEFAULT_SECRET, body)), body);
    }

    /** Gitea's {@code delete} event (its DeletePayload: short ref name, ref_type, no commit ids). */
    static ObjectNode giteaDelete(ObjectNode push, String name, String type) {
        ObjectNode delete = MAPPER.createObjectNode().put("ref", name).put("ref_type", type).put("pusher_type", "user");
        delete.set("repository", push.get("repository"));
        delete.set("sender", push.get("sender"));
        return delete;
    }

    @Test
    void giteaDeleteEventsAnnounceTheDeletionOfTheLastSeenHeadOnce() throws Exception {
        ObjectNode push = (ObjectNode) MAPPER.readTree(Fixtures.webhook("gitea/push.json"));
        String head = push.get("after").asText();
        String run = UUID.randomUUID().toString().substring(0, 8);
        // a branch: Gitea sends only a delete event, whose previous head is the last one git-watcher saw
        String branch = "feature-" + run;
        gitea("push", push.deepCopy().put("ref", "refs/heads/" + branch)).statusCode(200)
                .body("refs[0].change", equalTo("BRANCH_UPDATED"));
        gitea("delete", giteaDelete(push, branch, "branch")).statusCode(200)
                .body("refs[0].change", equalTo("BRANCH_DELETED")).body("refs[0].status", equalTo("EMITTED"));
        assertThat(topic.await(e -> e.ref().equals("refs/heads/" + branch) && e.change() == RefChange.BRANCH_DELETED))
                .singleElement().satisfies(r -> {
                    CommitPushed deleted = r.event().data();
                    assertThat(deleted.repository()).isEqualTo("gitea-webhooks");
                    assertThat(deleted.before()).isEqualTo(head);
                    assertThat(deleted.after()).isEqualTo(CommitPushed.ZERO_SHA);
                    assertThat(deleted.commits()).isEmpty();
                    assertThat(deleted.pusher()).isEqualTo(new dev.quayside.events.Person("Gitea", "someone@gitea.io",
                            "gitea"));
                    assertThat(deleted.hostKind()).isEqualTo("gitea");
                });
        // redelivered (a new delivery id), or a branch never seen: nothing to announce, and the answer says why
        gitea("delete", giteaDelete(push, branch, "branch")).statusCode(202).body("status", equalTo("ignored"))
                .body("reason", containsString("has no head"));
        gitea("delete", giteaDelete(push, "never-seen-" + run, "branch")).statusCode(202)
                .body("reason", containsString("refs/heads/never-seen-" + run));

        // a tag: Gitea sends a push with after = zeros, then a delete; in either order they give one event
        String zeros = CommitPushed.ZERO_SHA;
        for (boolean pushFirst : List.of(true, false)) {
            String tag = "v1." + (pushFirst ? 1 : 2) + "-" + run;
            gitea("push", push.deepCopy().put("ref", "refs/tags/" + tag).put("before", zeros)).statusCode(200)
                    .body("refs[0].change", equalTo("TAG_PUSHED"));
            ObjectNode tagDeletedByPush = push.deepCopy().put("ref", "refs/tags/" + tag).put("before", head)
                    .put("after", zeros);
            tagDeletedByPush.putArray("commits");
            if (pushFirst) {
                gitea("push", tagDeletedByPush).statusCode(200).body("refs[0].change", equalTo("TAG_DELETED"));
                gitea("delete", giteaDelete(push, tag, "tag")).statusCode(202).body("status", equalTo("ignored"));
            } else {
                gitea("delete", giteaDelete(push, tag, "tag")).statusCode(200)
                        .body("refs[0].change", equalTo("TAG_DELETED"));
                gitea("push", tagDeletedByPush).statusCode(200).body("status", equalTo("duplicate"));
            }
            assertThat(topic.await(e -> e.ref().equals("refs/tags/" + tag) && e.change() == RefChange.TAG_DELETED))
                    .singleElement().satisfies(r -> assertThat(r.event().data().before()).isEqualTo(head));
        }
        settle();
        assertThat(topic.matching(e -> e.ref().endsWith(run) && (e.change() == RefChange.BRANCH_DELETED
                || e.change() == RefChange.TAG_DELETED))).hasSize(3);

        // not a delete event: a clear 400, nothing emitted
        gitea("delete", giteaDelete(push, branch, "commit")).statusCode(400).body(containsString("ref_type"));
        gitea("delete", (ObjectNode) giteaDelete(push, branch, "branch").without("ref")).statusCode(400)
                .body(containsString("ref"));
    }

    @Test
    void listsWatchedRepositories() {
        given().get("/repositories").then().statusCode(200)
                .body("find { it.name == 'sample-app' }.branches", equalTo(List.of("master", "release/*")))
                .body("find { it.name == 'argo-test-repo' }.kind", equalTo("config"))
                .body("find { it.name == 'polled' }.pollInterval", equalTo(Duration.ofSeconds(2).toString()));
        given().header("Authorization", "Bearer test-operator-token").post("/repositories/nope/sync").then().statusCode(404);
    }

    @Test
    void aSyncOnDemandIsAnOperatorActionThatNeedsTheBearerToken() {
        given().post("/repositories/polled/sync").then().statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"));
        given().header("Authorization", "Bearer wrong").post("/repositories/polled/sync").then().statusCode(401);
        given().header("Authorization", "Bearer wrong").post("/repositories/nope/sync").then().statusCode(401);
    }
}
