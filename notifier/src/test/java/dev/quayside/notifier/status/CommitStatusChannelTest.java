package dev.quayside.notifier.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quayside.devstack.kafka.KafkaBrokerResource;
import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildOutcome;
import dev.quayside.events.BuildStarted;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ServiceDeployed;
import dev.quayside.events.ServiceRolledBack;
import dev.quayside.events.TagUpdated;
import dev.quayside.notifier.support.DeadLetters;
import dev.quayside.notifier.support.EventsTestBase;
import dev.quayside.notifier.support.LoopbackReceivers;
import dev.quayside.notifier.support.LoopbackReceivers.Request;
import dev.quayside.notifier.support.NotifierTestResources;
import dev.quayside.notifier.support.PayloadShapes;
import dev.quayside.notifier.support.TestEvents;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code commit-status} channel against loopback stand-ins of the five Git hosts: each request's method, path,
 * authentication header and JSON body as the host documents them, on the chain's source commit; a host that answers
 * 503 is retried, one that answers 422 is not, and both end in the dead-letter topic with the reason.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(NotifierTestResources.class)
class CommitStatusChannelTest extends EventsTestBase {

    static final Duration WAIT = Duration.ofSeconds(30);

    LoopbackReceivers receivers;

    @Test
    void eachStageOfAChainIsPostedToEveryHostOnTheSourceCommit() {
        String sha = TestEvents.sha();
        String configSha = TestEvents.sha();
        Instant at = Instant.now().minusSeconds(120);
        EventEnvelope<CommitPushed> push = TestEvents.commitPushed("statusapp", sha, "Alice", at);
        // the push names no app, so no rule routes it; the chain tracker has seen it once it is counted unrouted
        double unrouted = count("unrouted", "none");
        events.publish(push);
        await().atMost(WAIT).until(() -> count("unrouted", "none") > unrouted);
        events.publish(TestEvents.next(push, new BuildStarted("b-" + sha, "statusapp", "statusapp", sha, "main"),
                at.plusSeconds(1)));
        awaitAtEveryHost(sha, 1);
        events.publish(TestEvents.next(push, new BuildFinished("b-" + sha, "statusapp", "statusapp", sha, "main",
                BuildOutcome.SUCCESS, 40_000, null, List.of(), null), at.plusSeconds(41)));
        awaitAtEveryHost(sha, 2);
        events.publish(TestEvents.next(push, new TagUpdated("statusapp", "deploy-config", "main", configSha,
                "127.0.0.1:5000/statusapp:" + sha.substring(0, 7), List.of(
                        new TagUpdated.FileChange("marathon/staging/statusapp.json", "staging", "old", "new"),
                        new TagUpdated.FileChange("marathon/production/statusapp.json", "production", "old", "new")),
                TagUpdated.Outcome.UPDATED, null), at.plusSeconds(45)));
        awaitAtEveryHost(sha, 4);
        events.publish(TestEvents.next(push, new ServiceDeployed(TestEvents.deployment("statusapp", "staging", 3000)),
                at.plusSeconds(60)));
        awaitAtEveryHost(sha, 5);
        events.publish(TestEvents.next(push, new ServiceRolledBack(TestEvents.deployment("statusapp", "production",
                5000), "v1", "health checks failed"), at.plusSeconds(90)));
        awaitAtEveryHost(sha, 6);
        String link = "http://127.0.0.1:8088/api/chains/" + push.chainId();

        List<Request> github = receivers.under("/github/");
        assertShape(github, "/github/repos/team/statusapp/statuses/" + sha, "authorization",
                "Bearer " + NotifierTestResources.tokenOf("github"), "state", "description", "target_url", "context");
        assertThat(github).allSatisfy(r -> assertThat(body(r).get("target_url").asText()).isEqualTo(link));
        assertThat(states(github, "context")).containsExactly(
                "quayside/build pending", "quayside/build success", "quayside/deploy/staging pending",
                "quayside/deploy/production pending", "quayside/deploy/staging success",
                "quayside/deploy/production failure");
        assertThat(body(github.get(5)).get("description").asText())
                .isEqualTo("Rolled back in production: health checks failed");
        assertThat(body(github.get(1)).get("description").asText()).isEqualTo("Build success in 40 s");

        List<Request> gitlab = receivers.under("/gitlab/");
        assertShape(gitlab, "/gitlab/api/v4/projects/team%2Fstatusapp/statuses/" + sha, "private-token",
                NotifierTestResources.tokenOf("gitlab"), "state", "description", "target_url", "name");
        assertThat(gitlab).allSatisfy(r -> assertThat(r.headers()).doesNotContainKey("authorization"));
        assertThat(states(gitlab, "name")).containsExactly(
                "quayside/build running", "quayside/build success", "quayside/deploy/staging pending",
                "quayside/deploy/production pending", "quayside/deploy/staging success",
                "quayside/deploy/production failed");

        List<Request> gitea = receivers.under("/gitea/");
        assertShape(gitea, "/gitea/api/v1/repos/team/statusapp/statuses/" + sha, "authorization",
                "token " + NotifierTestResources.tokenOf("gitea"), "state", "description", "target_url", "context");
        assertThat(states(gitea, "context")).containsExactly(
                "quayside/build pending", "quayside/build success", "quayside/deploy/staging pending",
                "quayside/deploy/production pending", "quayside/deploy/staging success",
                "quayside/deploy/production failure");

        List<Request> cloud = receivers.under("/bitbucket-cloud/");
        assertShape(cloud, "/bitbucket-cloud/2.0/repositories/team/statusapp/commit/" + sha + "/statuses/build",
                "authorization", "Basic " + Base64.getEncoder().encodeToString(("quayside-bot:"
                        + NotifierTestResources.tokenOf("bitbucket-cloud")).getBytes(StandardCharsets.UTF_8)),
                "key", "state", "name", "url", "description");
        assertThat(cloud).allSatisfy(r -> assertThat(body(r).get("url").asText()).isEqualTo(link));
        List<String> bitbucketStates = List.of(
                "quayside/build INPROGRESS", "quayside/build SUCCESSFUL", "quayside/deploy/staging INPROGRESS",
                "quayside/deploy/production INPROGRESS", "quayside/deploy/staging SUCCESSFUL",
                "quayside/deploy/production FAILED");
        assertThat(states(cloud, "key")).isEqualTo(bitbucketStates);

        List<Request> server = receivers.under("/bitbucket-server/");
        assertShape(server, "/bitbucket-server/rest/build-status/1.0/commits/" + sha, "authorization",
                "Bearer " + NotifierTestResources.tokenOf("bitbucket-server"), "key", "state", "name", "url",
                "description");
        assertThat(states(server, "key")).isEqualTo(bitbucketStates);
        // the config repository's commit of tag-updated is never the status's commit
        assertThat(receivers.under("/")).noneMatch(r -> r.path().contains(configSha));
    }

    @Test
    void aDeploymentWhoseChainStartWasNotSeenPostsNothing() {
        double before = count("skipped", "github");
        events.publish(TestEvents.single(new ServiceDeployed(TestEvents.deployment("statusapp", "qa", 1000))));
        await().atMost(WAIT).until(() -> count("skipped", "github") > before);
        assertThat(receivers.under("/github/")).noneMatch(r -> r.body().contains("quayside/deploy/qa"));
    }

    @Test
    void aHostThatIsDownIsRetriedAndTheEventDeadLettered() {
        String sha = TestEvents.sha();
        EventEnvelope<BuildFinished> build = TestEvents.single(TestEvents.buildFailed("statusdown", sha));
        events.publish(build);
        DeadLetters.DeadLetter dead = DeadLetters.await(bootstrapServers, build.id(), WAIT);
        assertThat(dead).as("dead letter of %s", build.id()).isNotNull();
        assertThat(dead.reason()).contains("channel 'status-down': HTTP 503")
                .doesNotContain(NotifierTestResources.tokenOf("status-down"));
        List<Request> attempts = receivers.under("/status-down/");
        assertThat(attempts).hasSize(3) // first try + 2 retries
                .allSatisfy(r -> assertThat(r.path()).isEqualTo("/status-down/repos/team/statusdown/statuses/" + sha));
        assertThat(body(attempts.get(0)).get("state").asText()).isEqualTo("failure");
        assertThat(body(attempts.get(0)).get("description").asText())
                .isEqualTo("Build failure in 42 s: RUN make failed with exit code 2");
    }

    @Test
    void aStatusTheHostRejectsIsNotRetriedAndTheEventDeadLettered() {
        String sha = TestEvents.sha();
        EventEnvelope<BuildFinished> build = TestEvents.single(TestEvents.buildFailed("statusrejects", sha));
        events.publish(build);
        DeadLetters.DeadLetter dead = DeadLetters.await(bootstrapServers, build.id(), WAIT);
        assertThat(dead).isNotNull();
        assertThat(dead.reason()).contains("channel 'status-rejects': HTTP 422");
        List<Request> attempts = receivers.under("/status-rejects/");
        assertThat(attempts).hasSize(1);
        assertThat(attempts.get(0).rawPath()).isEqualTo("/status-rejects/api/v4/projects/team%2Fstatusrejects/statuses/"
                + sha);
    }

    private void awaitAtEveryHost(String sha, int count) {
        await().atMost(WAIT).until(() -> List.of("/github/", "/gitlab/", "/gitea/", "/bitbucket-cloud/",
                "/bitbucket-server/").stream().allMatch(host -> receivers.under(host).stream()
                        .filter(r -> r.path().contains(sha)).count() == count));
    }

    /** Every request a JSON POST to {@code rawPath} (as sent, encoding kept) with that header and these body fields. */
    private static void assertShape(List<Request> requests, String rawPath, String header, String value,
            String... fields) {
        assertThat(requests).isNotEmpty().allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.rawPath()).isEqualTo(rawPath);
            assertThat(r.headers()).containsEntry(header, value).containsEntry("content-type", "application/json");
            assertThat(fields(r)).containsExactlyInAnyOrder(fields);
        });
    }

    private static JsonNode body(Request r) {
        return PayloadShapes.parse(r.body());
    }

    private static List<String> fields(Request r) {
        List<String> names = new ArrayList<>();
        body(r).fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** "context state" of each request, in order. */
    private static List<String> states(List<Request> requests, String context) {
        return requests.stream().map(r -> body(r).get(context).asText() + " " + body(r).get("state").asText())
                .toList();
    }
}
