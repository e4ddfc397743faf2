package dev.quayside.gitwatcher.service.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quayside.events.CommitPushed.Commit;
import dev.quayside.events.CommitPushed.RefChange;
import dev.quayside.events.CommitPushed;
import dev.quayside.gitwatcher.service.push.PushService;
import dev.quayside.gitwatcher.service.push.PushedRef;
import dev.quayside.gitwatcher.support.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every sample in ../shared/fixtures/webhooks read into the facts it states. */
class WebhookFixturesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static WebhookDelivery parse(WebhookHost host, String event, String fixture) throws IOException {
        JsonNode root = MAPPER.readTree(Fixtures.webhook(fixture));
        return host.parse(event, root);
    }

    private static PushedRef single(WebhookDelivery delivery) {
        assertThat(delivery.kind()).isEqualTo(WebhookDelivery.Kind.PUSH);
        assertThat(delivery.refs()).hasSize(1);
        return delivery.refs().get(0);
    }

    @Test
    void everyWebhookFixtureIsCoveredHere() throws IOException {
        try (Stream<Path> files = Files.walk(Fixtures.webhooks())) {
            assertThat(files.filter(Files::isRegularFile).map(p -> Fixtures.webhooks().relativize(p).toString()))
                    .containsExactlyInAnyOrder("github/example-delivery.txt", "github/ping.payload.json",
                            "github/ping.with-app_id.payload.json", "github/ping.with-organization.payload.json",
                            "github/push.1.payload.json", "github/push.branch-update.argo-cd.json",
                            "github/push.branch-update.go-playground.json", "github/push.payload.json",
                            "github/push.with-installation.payload.json", "github/push.with-new-branch.payload.json",
                            "github/push.with-no-username-committer.payload.json",
                            "github/push.with-organization.payload.json", "gitea/push-event.go-playground.json",
                            "gitea/push.headers.txt", "gitea/push.json", "gitlab/push-event.go-playground.json",
                            "gitlab/push.json", "gitlab/tag-event.go-playground.json", "gitlab/tag_push.json",
                            "bitbucket/cloud-repo-push.json", "bitbucket/server-repo-refs-changed.argo-cd.json",
                            "bitbucket/server-repo-refs-changed.json");
        }
    }

    @Test
    void githubTagDeletions() throws IOException {
        for (String fixture : List.of("github/push.payload.json", "github/push.1.payload.json",
                "github/push.with-installation.payload.json", "github/push.with-organization.payload.json")) {
            WebhookDelivery delivery = parse(new GitHubHost(), "push", fixture);
            PushedRef ref = single(delivery);
            assertThat(delivery.repository().fullName()).as(fixture).isEqualTo("Codertocat/Hello-World");
            assertThat(delivery.repository().urls()).contains("https://github.com/Codertocat/Hello-World.git");
            assertThat(ref.ref()).isEqualTo("refs/tags/simple-tag");
            assertThat(ref.before()).isEqualTo("6113728f27ae82c7b1a177c8d03f9e96e0adf246");
            assertThat(ref.after()).isEqualTo(CommitPushed.ZERO_SHA);
            assertThat(ref.commits()).isEmpty();
            assertThat(PushService.change(ref.ref(), ref.before(), ref.after())).isEqualTo(RefChange.TAG_DELETED);
            assertThat(ref.pusher().name()).isEqualTo("Codertocat");
        }
    }

    @Test
    void githubNewBranch() throws IOException {
        PushedRef ref = single(parse(new GitHubHost(), "push", "github/push.with-new-branch.payload.json"));
        assertThat(ref.ref()).isEqualTo("refs/heads/master");
        assertThat(PushService.change(ref.ref(), ref.before(), ref.after())).isEqualTo(RefChange.BRANCH_CREATED);
        assertThat(ref.after()).isEqualTo("6113728f27ae82c7b1a177c8d03f9e96e0adf246");
        assertThat(ref.commits()).extracting(Commit::id).containsExactly("6113728f27ae82c7b1a177c8d03f9e96e0adf246");
        assertThat(ref.commitsComplete()).isTrue();
    }

    @Test
    void githubCommitterWithoutUsername() throws IOException {
        PushedRef ref = single(parse(new GitHubHost(), "push", "github/push.with-no-username-committer.payload.json"));
        assertThat(ref.commits()).hasSize(1);
        Commit commit = ref.commits().get(0);
        assertThat(commit.id()).isEqualTo(ref.after());
        assertThat(commit.author().name()).isNotBlank();
        assertThat(commit.timestamp()).isNotNull();
    }

    @Test
    void githubBranchUpdates() throws IOException {
        WebhookDelivery delivery = parse(new GitHubHost(), "push", "github/push.branch-update.go-playground.json");
        PushedRef ref = single(delivery);
        assertThat(delivery.repository().fullName()).isEqualTo("binkkatal/sample_app");
        assertThat(delivery.repository().urls()).contains("git@github.com:binkkatal/sample_app.git");
        assertThat(ref.before()).isEqualTo("737d38c599c1b2991664dfc6155d6bf516fcce36");
        assertThat(ref.after()).isEqualTo("fd489864e7642b48eaad6e3f155c10e46810ec72");
        assertThat(PushService.change(ref.ref(), ref.before(), ref.after())).isEqualTo(RefChange.BRANCH_UPDATED);
        Commit commit = ref.commits().get(0);
        assertThat(commit.message()).isEqualTo("test a push event");
        assertThat(commit.author().username()).isEqualTo("binkkatal");
        assertThat(commit.timestamp()).isEqualTo(Instant.parse("2018-06-29T14:04:13Z"));
        assertThat(ref.pusher().email()).isEqualTo("binkkatal.r@gmail.com");

        PushedRef argo = single(parse(new GitHubHost(), "push", "github/push.branch-update.argo-cd.json"));
        assertThat(argo.ref()).isEqualTo("refs/heads/master");
        assertThat(argo.commits()).hasSize(1);
        assertThat(argo.commits().get(0).modified()).contains("ksapps/test-app/app.yaml");
    }

    @Test
    void githubPings() throws IOException {
        WebhookDelivery ping = parse(new GitHubHost(), "ping", "github/ping.payload.json");
        assertThat(ping.kind()).isEqualTo(WebhookDelivery.Kind.PING);
        assertThat(ping.repository().fullName()).isEqualTo("Octocoders/Hello-World");
        assertThat(parse(new GitHubHost(), "ping", "github/ping.with-app_id.payload.json").kind())
                .isEqualTo(WebhookDelivery.Kind.PING);
        WebhookDelivery organization = parse(new GitHubHost(), "ping", "github/ping.with-organization.payload.json");
        assertThat(organization.kind()).isEqualTo(WebhookDelivery.Kind.PING);
        assertThat(organization.repository()).isNull();
    }

    @Test
    void githubOtherEventsAreIgnored() throws IOException {
        WebhookDelivery delivery = parse(new GitHubHost(), "issues", "github/push.payload.json");
        assertThat(delivery.kind()).isEqualTo(WebhookDelivery.Kind.IGNORED);
        assertThat(delivery.reason()).contains("issues");
    }

    @Test
    void gitlabPushes() throws IOException {
        for (String fixture : List.of("gitlab/push.json", "gitlab/push-event.go-playground.json")) {
            WebhookDelivery delivery = parse(new GitLabHost(), "Push Hook", fixture);
            PushedRef ref = single(delivery);
            assertThat(delivery.repository().urls()).as(fixture).contains("http://example.com/mike/diaspora.git");
            assertThat(ref.ref()).isEqualTo("refs/heads/master");
            assertThat(ref.before()).isEqualTo("95790bf891e76fee5e1747ab589903a6a1f80f22");
            assertThat(ref.after()).isEqualTo("da1560886d4f094c3e6c9ef40349f7d38b5d27d7");
            assertThat(ref.commits()).extracting(Commit::id).containsExactly(
                    "b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327", "da1560886d4f094c3e6c9ef40349f7d38b5d27d7");
            assertThat(ref.commits().get(0).author().email()).isEqualTo("jordi@softcatala.org");
            assertThat(ref.commits().get(0).timestamp()).isEqualTo(Instant.parse("2011-12-12T12:27:31Z"));
            assertThat(ref.commits().get(1).added()).contains("CHANGELOG");
            assertThat(ref.commits().get(1).modified()).contains("app/controller/application.rb");
            assertThat(ref.pusher().name()).isEqualTo("John Smith");
        }
        assertThat(parse(new GitLabHost(), "Push Hook", "gitlab/push.json").repository().fullName())
                .isEqualTo("mike/diaspora");
    }

    @Test
    void gitlabTagPushes() throws IOException {
        for (String fixture : List.of("gitlab/tag_push.json", "gitlab/tag-event.go-playground.json")) {
            PushedRef ref = single(parse(new GitLabHost(), "Tag Push Hook", fixture));
            assertThat(ref.ref()).as(fixture).isEqualTo("refs/tags/v1.0.0");
            assertThat(ref.before()).isEqualTo(CommitPushed.ZERO_SHA);
            assertThat(ref.after()).isEqualTo("82b3d5ae55f7080f1e6022629cdb57bfae7cccc7");
            assertThat(PushService.change(ref.ref(), ref.before(), ref.after())).isEqualTo(RefChange.TAG_PUSHED);
        }
    }

    @Test
    void gitlabHeaderMustMatchObjectKind() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> parse(new GitLabHost(), "Tag Push Hook", "gitlab/push.json"))
                .isInstanceOf(WebhookPayloadException.class).hasMessageContaining("object_kind 'push'");
    }

    @Test
    void giteaPushes() throws IOException {
        WebhookDelivery delivery = parse(new GiteaHost(), "push", "gitea/push.json");
        PushedRef ref = single(delivery);
        assertThat(delivery.repository().fullName()).isEqualTo("gitea/webhooks");
        assertThat(ref.ref()).isEqualTo("refs/heads/develop");
        assertThat(ref.before()).isEqualTo("28e1879d029cb852e4844d9c718537df08844e03");
        assertThat(ref.after()).isEqualTo("bffeb74224043ba2feb48d137756c8a9331c449a");
        assertThat(ref.commits()).extracting(Commit::message).containsExactly("Webhooks Yay!");
        assertThat(ref.pusher()).isEqualTo(new dev.quayside.events.Person("Gitea", "someone@gitea.io", "gitea"));

        PushedRef created = single(parse(new GiteaHost(), "push", "gitea/push-event.go-playground.json"));
        assertThat(PushService.change(created.ref(), created.before(), created.after()))
                .isEqualTo(RefChange.BRANCH_CREATED);
        assertThat(created.commits()).extracting(Commit::id)
                .containsExactly("67b56589a45103f891bdee7c0546e5d40bc02001");
    }

    @Test
    void giteaHeadersFixtureNamesTheEvent() throws IOException {
        String headers = new String(Fixtures.webhook("gitea/push.headers.txt"), java.nio.charset.StandardCharsets.UTF_8);
        java.util.Map<String, String> map = new java.util.HashMap<>();
        headers.lines().filter(l -> l.contains(":")).forEach(l -> map.put(
                l.substring(0, l.indexOf(':')).trim().toLowerCase(java.util.Locale.ROOT),
                l.substring(l.indexOf(':') + 1).trim()));
        WebhookHost.Headers lookup = name -> map.get(name.toLowerCase(java.util.Locale.ROOT));
        assertThat(new GiteaHost().event(lookup)).isEqualTo("push");
        assertThat(new GiteaHost().deliveryId(lookup)).isEqualTo("f6266f16-1bf3-46a5-9ea4-602e06ead473");
    }

    @Test
    void bitbucketCloudPush() throws IOException {
        WebhookDelivery delivery = parse(new BitbucketCloudHost(), "repo:push", "bitbucket/cloud-repo-push.json");
        assertThat(delivery.repository().fullName()).isEqualTo("team_name/repo_name");
        assertThat(delivery.refs()).hasSize(1);
        PushedRef ref = delivery.refs().get(0);
        assertThat(ref.ref()).isEqualTo("refs/heads/name-of-branch");
        assertThat(ref.before()).isEqualTo("1e65c05c1d5171631d92438a13901ca7dae9618c");
        assertThat(ref.after()).isEqualTo("709d658dc5b6d6afcd46049c2f332ee3f515a67d");
        assertThat(ref.pusher().username()).isEqualTo("emmap1");
        assertThat(ref.commits()).extracting(Commit::id).containsExactly("03f4a7270240708834de475bcf21532d6134777e");
    }

    @Test
    void bitbucketServerChanges() throws IOException {
        WebhookDelivery deletion = parse(new BitbucketServerHost(), "repo:refs_changed",
                "bitbucket/server-repo-refs-changed.json");
        PushedRef deleted = single(deletion);
        assertThat(deleted.ref()).isEqualTo("refs/heads/feature/wip");
        assertThat(deleted.before()).isEqualTo("32a0b8a740c2963c6f56bd8baf3dc05683d299e0");
        assertThat(PushService.change(deleted.ref(), deleted.before(), deleted.after()))
                .isEqualTo(RefChange.BRANCH_DELETED);
        assertThat(deletion.repository().urls())
                .contains("https://server.bitbucket.local/scm/~gopher/webhook-test.git");

        WebhookDelivery update = parse(new BitbucketServerHost(), "repo:refs_changed",
                "bitbucket/server-repo-refs-changed.argo-cd.json");
        PushedRef updated = single(update);
        assertThat(update.repository().fullName()).isEqualTo("MYPROJECT/test-repo");
        assertThat(updated).extracting(PushedRef::ref, PushedRef::before, PushedRef::after, PushedRef::commitsComplete)
                .containsExactly("refs/heads/master", "f09c8889a2d234985734958795a31589cd91ffda",
                        "22671f0349857934857983457983475ec39f196b", false);
        assertThat(updated.pusher()).extracting(p -> p.name(), p -> p.email())
                .containsExactly("John", "john@example.com");
    }
}
