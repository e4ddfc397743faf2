package dev.quayside.configsyncer.writeback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import dev.quayside.configsyncer.client.GitClient;
import dev.quayside.configsyncer.client.GitWorkspace;
import dev.quayside.configsyncer.mirror.MirrorOptions;
import dev.quayside.configsyncer.service.ConfigRepo;
import dev.quayside.configsyncer.service.SyncSettings;
import dev.quayside.configsyncer.service.TestRepo;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.TagUpdated;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Job 1 against real Git repositories (a bare remote and a human's clone). */
public class WriteBackServiceTest {

    public static final String REGISTRY = "127.0.0.1:5000";

    @TempDir
    Path dir;
    TestRepo repo;
    ConfigRepo config;

    @BeforeEach
    void setUp() throws Exception {
        repo = TestRepo.create(dir);
        config = ConfigRepo.of("deploy", repo.url(), MirrorOptions.defaults());
    }

    @AfterEach
    void tearDown() {
        repo.close();
    }

    public static String marathon(String id, String image) {
        return "{\n  \"id\": \"/" + id + "\",\n  \"cpus\": 0.1,\n  \"container\": {\n    \"type\": \"DOCKER\",\n"
                + "    \"docker\": { \"image\": \"" + image + "\", \"network\": \"BRIDGE\" }\n  },\n"
                + "  \"labels\": {\"owner\": \"team-a\"}\n}\n";
    }

    static String chronos(String name, String image) {
        return "{\"name\":\"" + name + "\",\"schedule\":\"R/2026-01-01T00:00:00Z/PT1H\",\n"
                + "   \"container\":{\"type\":\"DOCKER\",\"image\":\"" + image + "\"},\"command\":\"run\"}";
    }

    public static ImageBuilt built(String app, String branch, String tag) {
        String digest = "sha256:" + (tag + "0".repeat(64)).substring(0, 64);
        return new ImageBuilt(app, app, tag + "000", branch, REGISTRY, app, tag,
                List.of(branch), digest, "pkg:oci/" + app + "@" + digest.replace(":", "%3A"), Map.of(), false);
    }

    WriteBackService service(Path work) {
        return new WriteBackService(new GitClient(work), SyncSettings.defaults());
    }

    @Test
    void writesTheImageIntoMatchingDefinitionsOfEveryFollowingEnvironmentAndNothingElse() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        for (String env : List.of("dev", "staging", "prod")) {
            files.put("marathon/" + env + "/web.json", marathon("web", REGISTRY + "/web:old1"));
            files.put("marathon/" + env + "/web-admin.json", marathon("web-admin", REGISTRY + "/web-admin:zzz"));
            files.put("marathon/" + env + "/other.json", marathon("other", "docker.io/library/nginx:1.25"));
        }
        files.put("chronos/dev/web-cleanup.json", chronos("web-cleanup", REGISTRY + "/web:old1"));
        files.put("chronos/dev/broken.json", "{ \"container\": {\"image\": \"" + REGISTRY + "/web:x\" ");
        files.put("marathon/prod/README.md", "web images live in " + REGISTRY + "/web\n");
        files.put("quayside.yml", "environments:\n  prod:\n    branches: []\n    tags: \">=1.0.0\"\n");
        repo.commit("initial", files);
        repo.push();
        ObjectId before = repo.remoteHead();

        ImageBuilt b = built("web", "main", "abc1234");
        WriteBackService.Result result = service(dir.resolve("syncer")).apply(config, b, "event-1");

        TagUpdated tag = result.event();
        assertThat(tag.outcome()).isEqualTo(TagUpdated.Outcome.UPDATED);
        assertThat(tag.filesChanged()).isEqualTo(3);
        assertThat(tag.changes()).extracting(TagUpdated.FileChange::path).containsExactlyInAnyOrder(
                "marathon/dev/web.json", "marathon/staging/web.json", "chronos/dev/web-cleanup.json");
        assertThat(tag.changes()).allSatisfy(c -> assertThat(c.oldImage()).isEqualTo(REGISTRY + "/web:old1"));
        assertThat(result.environments()).containsExactly("dev", "staging");
        // byte-for-byte: only the image string changed, every other file is as it was
        for (Map.Entry<String, String> f : files.entrySet()) {
            String expected = f.getValue();
            if (tag.changes().stream().anyMatch(c -> c.path().equals(f.getKey()))) {
                expected = expected.replace(REGISTRY + "/web:old1", b.pinnedReference());
            }
            assertThat(repo.remoteText(f.getKey())).as(f.getKey()).isEqualTo(expected);
        }
        // one commit on top of the human's, by the configured author, with the trailers
        try (Git g = Git.open(repo.bare.toFile())) {
            RevCommit head = g.log().add(repo.remoteHead()).setMaxCount(1).call().iterator().next();
            assertThat(head.getName()).isEqualTo(tag.commitWritten());
            assertThat(head.getParent(0).getId()).isEqualTo(before);
            assertThat(head.getAuthorIdent().getName()).isEqualTo("Quayside");
            assertThat(head.getCommitterIdent().getEmailAddress()).isEqualTo("quayside@localhost");
            assertThat(head.getFullMessage()).contains("Quayside-Source: web@abc1234000")
                    .contains("Quayside-Event: event-1").startsWith("Deploy web " + b.pinnedReference() + " to dev, staging");
        }

        // the same build again: nothing to do, no commit, and the event says so
        ObjectId after = repo.remoteHead();
        WriteBackService.Result again = service(dir.resolve("syncer")).apply(config, b, "event-1");
        assertThat(again.event().outcome()).isEqualTo(TagUpdated.Outcome.UNCHANGED);
        assertThat(again.event().filesChanged()).isZero();
        assertThat(again.event().reason()).contains("already at").contains("3 definition(s)");
        assertThat(again.pushed()).isNull();
        assertThat(repo.remoteHead()).isEqualTo(after);

        // a release tag reaches prod only
        WriteBackService.Result release = service(dir.resolve("syncer")).apply(config, built("web", "refs/tags/v1.2.0", "v120"),
                "event-2");
        assertThat(release.event().changes()).extracting(TagUpdated.FileChange::path)
                .containsExactly("marathon/prod/web.json");
    }

    @Test
    void aMessageTemplateWithoutTrailersStillGetsThemSoBuildsStayOrdered() throws Exception {
        // a team's own template ("Bump {app} to {image}") must not turn the Git-side ordering off: the write-back's
        // trailers (the build it pinned, the event) are added when the template does not write them
        ConfigRepo own = new ConfigRepo(config.name(), config.cloneUrl(), config.branch(), config.branches(),
                config.authorName(), config.authorEmail(), null, null, "Bump {app} to {image}\n", config.mirror());
        repo.commit("initial", Map.of("marathon/dev/web.json", marathon("web", REGISTRY + "/web:old1")));
        repo.push();

        ImageBuilt b = built("web", "main", "abc1234");
        WriteBackService.Result result = service(dir.resolve("syncer")).apply(own, b, "event-1");

        assertThat(result.event().outcome()).isEqualTo(TagUpdated.Outcome.UPDATED);
        try (Git g = Git.open(repo.bare.toFile())) {
            RevCommit head = g.log().add(repo.remoteHead()).setMaxCount(1).call().iterator().next();
            assertThat(head.getFullMessage()).startsWith("Bump web to " + b.pinnedReference() + "\n");
            assertThat(head.getFooterLines("Quayside-Source")).containsExactly("web@abc1234000");
            assertThat(head.getFooterLines("Quayside-Event")).containsExactly("event-1");
        }
    }

    @Test
    void writeBacksThatWaitTogetherArePushedTogetherEachAsItsOwnCommit() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        int apps = 12;
        for (int i = 0; i < apps; i++) {
            files.put("marathon/dev/app" + i + ".json", marathon("app" + i, REGISTRY + "/app" + i + ":old"));
        }
        repo.commit("initial", files);
        repo.push();
        GitClient git = new GitClient(dir.resolve("syncer"));
        WriteBackService service = new WriteBackService(git, SyncSettings.defaults());
        // the workspace is busy (another write holds it) while every build arrives: they wait, then go in one batch
        GitWorkspace ws = git.workspace(config.name(), config.cloneUrl(), null, null);
        ws.lock().lock();
        List<Future<WriteBackService.Result>> results = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(apps);
        try {
            for (int i = 0; i < apps; i++) {
                ImageBuilt b = built("app" + i, "main", "abc" + i + "def");
                results.add(pool.submit(() -> service.apply(config, b, "event-" + b.app())));
            }
            await().atMost(java.time.Duration.ofSeconds(10)).until(() -> service.waitingWriteBacks(config.name()) == apps
                    && ws.lock().getQueueLength() == 1);
        } finally {
            ws.lock().unlock();
        }
        List<ObjectId> commits = new ArrayList<>();
        for (int i = 0; i < apps; i++) {
            WriteBackService.Result r = results.get(i).get(30, TimeUnit.SECONDS);
            assertThat(r.event().outcome()).isEqualTo(TagUpdated.Outcome.UPDATED);
            assertThat(r.event().changes()).extracting(TagUpdated.FileChange::path)
                    .containsExactly("marathon/dev/app" + i + ".json");
            commits.add(r.pushed());
        }
        pool.shutdown();
        assertThat(service.batchPushes()).as("every build that waited went into one push").isEqualTo(1);
        assertThat(commits).doesNotHaveDuplicates();
        try (Git g = Git.open(repo.bare.toFile())) {
            List<RevCommit> log = new ArrayList<>();
            g.log().add(repo.remoteHead()).setMaxCount(apps).call().forEach(log::add);
            assertThat(log).extracting(RevCommit::getId).containsExactlyInAnyOrderElementsOf(commits);
            for (RevCommit c : log) {
                String app = c.getFooterLines("Quayside-Event").get(0).substring("event-".length());
                assertThat(c.getFooterLines("Quayside-Source")).as("each commit names its own build")
                        .containsExactly(app + "@abc" + app.substring(3) + "def000");
            }
        }
        for (int i = 0; i < apps; i++) {
            assertThat(repo.remoteText("marathon/dev/app" + i + ".json")).contains(built("app" + i, "main",
                    "abc" + i + "def").pinnedReference());
        }
    }

    @Test
    void inABatchARefusedWriteBackFailsAloneAndTwoBuildsOfOneAppAreNeverBatchedTogether() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            files.put("marathon/dev/app" + i + ".json", marathon("app" + i, REGISTRY + "/app" + i + ":old"));
        }
        files.put("quayside.yml", "apps:\n  app2: { sources: [someone-else] }\n");
        repo.commit("initial", files);
        repo.push();
        GitClient git = new GitClient(dir.resolve("syncer"));
        WriteBackService service = new WriteBackService(git, SyncSettings.defaults());
        GitWorkspace ws = git.workspace(config.name(), config.cloneUrl(), null, null);
        List<ImageBuilt> builds = List.of(built("app0", "main", "aaa0"), built("app1", "main", "aaa1"),
                built("app2", "main", "aaa2"), built("app0", "main", "bbb0"));
        ExecutorService pool = Executors.newFixedThreadPool(builds.size());
        List<Future<WriteBackService.Result>> results = new ArrayList<>();
        ws.lock().lock();
        try {
            for (ImageBuilt b : builds) {
                results.add(pool.submit(() -> service.apply(config, b, "event-" + b.tag())));
                // in this order: the queue is the arrival order
                await().atMost(java.time.Duration.ofSeconds(10))
                        .until(() -> service.waitingWriteBacks(config.name()) == results.size());
            }
        } finally {
            ws.lock().unlock();
        }
        assertThat(results.get(0).get(30, TimeUnit.SECONDS).event().outcome()).isEqualTo(TagUpdated.Outcome.UPDATED);
        assertThat(results.get(1).get(30, TimeUnit.SECONDS).event().outcome()).isEqualTo(TagUpdated.Outcome.UPDATED);
        assertThatThrownBy(() -> results.get(2).get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(WriteBackService.RefusedException.class)
                .hasMessageContaining("source repository 'app2' may not update app2");
        WriteBackService.Result second = results.get(3).get(30, TimeUnit.SECONDS);
        pool.shutdown();
        assertThat(second.event().changes()).singleElement().satisfies(c -> assertThat(c.oldImage())
                .as("decided on top of the first build of app0, pushed before").isEqualTo(builds.get(0)
                        .pinnedReference()));
        assertThat(service.batchPushes()).as("app0's second build waited for the next batch").isEqualTo(2);
        assertThat(repo.remoteText("marathon/dev/app0.json")).contains(builds.get(3).pinnedReference());
        assertThat(repo.remoteText("marathon/dev/app2.json")).contains(REGISTRY + "/app2:old");
    }

    @Test
    void aWorkspaceThatCannotBeMadeFailsTheWriteBackAtOnce() throws Exception {
        repo.commit("initial", Map.of("marathon/dev/web.json", marathon("web", REGISTRY + "/web:old")));
        repo.push();
        Path notADirectory = java.nio.file.Files.writeString(dir.resolve("a-file"), "not a directory");
        WriteBackService service = new WriteBackService(new GitClient(notADirectory), SyncSettings.defaults());
        // before: the write-back waited for a batch that nobody could take, forever
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> assertThatThrownBy(() -> service.apply(config,
                built("web", "main", "abc1234"), "event-1")).isInstanceOf(java.io.UncheckedIOException.class));
        assertThat(service.waitingWriteBacks(config.name())).isZero();
    }

    @Test
    void aSuspendedEnvironmentIsNotPinnedAndTheOthersAre() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        for (String env : List.of("dev", "prod")) {
            files.put("marathon/" + env + "/web.json", marathon("web", REGISTRY + "/web:old1"));
            files.put("marathon/" + env + "/api.json", marathon("api", REGISTRY + "/api:old1"));
        }
        files.put("quayside.yml", "environments:\n  prod:\n    suspended: [web]\n");
        repo.commit("initial", files);
        repo.push();

        ImageBuilt b = built("web", "main", "abc1234");
        WriteBackService.Result result = service(dir.resolve("syncer")).apply(config, b, "event-1");
        assertThat(result.event().outcome()).isEqualTo(TagUpdated.Outcome.UPDATED);
        assertThat(result.event().changes()).extracting(TagUpdated.FileChange::path)
                .containsExactly("marathon/dev/web.json");
        assertThat(result.event().reason()).isEqualTo("web is suspended in prod: not pinned there");
        assertThat(result.environments()).as("the image keys are written for dev only").containsExactly("dev");
        assertThat(repo.remoteText("marathon/prod/web.json")).isEqualTo(files.get("marathon/prod/web.json"));
        assertThat(repo.remoteText("marathon/dev/web.json")).contains(b.pinnedReference());

        // another app is not suspended in prod: pinned there
        ImageBuilt api = built("api", "main", "def5678");
        assertThat(service(dir.resolve("syncer")).apply(config, api, "event-2").event().changes())
                .extracting(TagUpdated.FileChange::path)
                .containsExactlyInAnyOrder("marathon/dev/api.json", "marathon/prod/api.json");

        // suspended everywhere it is followed: nothing written, NO_MATCH saying why
        repo.pull();
        repo.commit("suspend web in dev too", Map.of("quayside.yml",
                "environments:\n  prod:\n    suspended: [web]\n  dev:\n    suspended: [web]\n"));
        repo.push();
        ObjectId head = repo.remoteHead();
        WriteBackService.Result none = service(dir.resolve("syncer")).apply(config, built("web", "main", "bbb2222"),
                "event-3");
        assertThat(none.event().outcome()).isEqualTo(TagUpdated.Outcome.NO_MATCH);
        assertThat(none.event().reason()).isEqualTo("web is suspended in dev; web is suspended in prod");
        assertThat(none.pushed()).isNull();
        assertThat(none.environments()).isEmpty();
        assertThat(repo.remoteHead()).isEqualTo(head);
    }

    @Test
    void noReferencingDefinitionEndsTheChainWithNoMatch() throws Exception {
        repo.commit("initial", Map.of("marathon/dev/other.json", marathon("other", "nginx:1")));
        repo.push();
        ObjectId head = repo.remoteHead();
        WriteBackService.Result result = service(dir.resolve("s")).apply(config, built("web", "main", "a1"), "e");
        assertThat(result.event().outcome()).isEqualTo(TagUpdated.Outcome.NO_MATCH);
        assertThat(result.event().filesChanged()).isZero();
        assertThat(result.event().reason()).isEqualTo("no definition references " + REGISTRY + "/web");
        WriteBackService.Result branch = service(dir.resolve("s")).apply(config, built("other", "feature/x", "a1"), "e");
        assertThat(branch.event().outcome()).isEqualTo(TagUpdated.Outcome.NO_MATCH);
        assertThat(repo.remoteHead()).isEqualTo(head);
    }

    @Test
    void concurrentWriteBacksFromTwoInstancesAndAHumanLoseNoUpdate() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            files.put("marathon/prod/app" + i + ".json", marathon("app" + i, REGISTRY + "/app" + i + ":old"));
        }
        files.put("notes.txt", "0\n");
        repo.commit("initial", files);
        repo.push();

        WriteBackService one = service(dir.resolve("instance-1"));
        WriteBackService two = service(dir.resolve("instance-2"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<WriteBackService.Result>> results = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                WriteBackService instance = i % 2 == 0 ? one : two;
                ImageBuilt b = built("app" + i, "main", "new" + i);
                results.add(pool.submit(() -> instance.apply(config, b, "e-" + b.app())));
            }
            // meanwhile a human commits and pushes, pulling (rebasing) when the syncers got there first
            for (int n = 1; n <= 5; n++) {
                repo.commit("human " + n, Map.of("notes.txt", n + "\n"));
                for (int attempt = 0; attempt < 50; attempt++) {
                    try {
                        repo.push();
                        if (repo.remoteHead().equals(repo.human.getRepository().resolve("HEAD"))) {
                            break;
                        }
                    } catch (Exception rejected) {
                        // fall through to pull
                    }
                    repo.pull();
                }
            }
            for (Future<WriteBackService.Result> f : results) {
                assertThat(f.get(60, TimeUnit.SECONDS).event().outcome()).isEqualTo(TagUpdated.Outcome.UPDATED);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < 20; i++) {
            assertThat(repo.remoteText("marathon/prod/app" + i + ".json")).as("app" + i)
                    .isEqualTo(marathon("app" + i, built("app" + i, "main", "new" + i).pinnedReference()));
        }
        assertThat(repo.remoteText("notes.txt")).isEqualTo("5\n");
        try (Git g = Git.open(repo.bare.toFile())) {
            int count = 0;
            for (RevCommit c : g.log().add(repo.remoteHead()).call()) {
                count++;
                assertThat(c.getParentCount()).as("history stays linear, no merges").isLessThanOrEqualTo(1);
            }
            assertThat(count).isEqualTo(1 + 20 + 5);
        }
    }

    @Test
    void aSourceRepositoryThatDoesNotOwnTheAppIsRefusedAndNothingIsWritten() throws Exception {
        repo.commit("initial", Map.of("marathon/prod/billing.json", marathon("billing", REGISTRY + "/billing:old"),
                "marathon/prod/web.json", marathon("web", REGISTRY + "/web:old")));
        repo.push();
        ObjectId head = repo.remoteHead();
        // a build from repository "attacker" that claims the image billing (what a forged event, or an image-builder
        // without namespaces, would announce)
        ImageBuilt forged = new ImageBuilt("attacker", "attacker", "f".repeat(40), "refs/heads/main", REGISTRY,
                "billing", "fffffff", List.of(), "sha256:" + "f".repeat(64), "pkg:oci/billing", Map.of(), false);
        assertThatThrownBy(() -> service(dir.resolve("s")).apply(config, forged, "e"))
                .isInstanceOf(WriteBackService.RefusedException.class)
                .hasMessageContaining("source repository 'attacker' may not update billing (marathon/prod/billing.json")
                .hasMessageContaining("nothing written");
        assertThat(repo.remoteHead()).isEqualTo(head);

        // quayside.yml lets it
        repo.pull();
        repo.commit("let attacker update billing", Map.of("quayside.yml", "apps:\n  billing: { sources: [attacker] }\n"));
        repo.push();
        assertThat(service(dir.resolve("s")).apply(config, forged, "e").event().outcome())
                .isEqualTo(TagUpdated.Outcome.UPDATED);
    }

    @Test
    void anOlderBuildNeverReplacesANewerOneOfTheSameBranch() throws Exception {
        repo.commit("initial", Map.of("marathon/prod/web.json", marathon("web", REGISTRY + "/web:old")));
        repo.push();
        // the app's repository: c1 <- c2 <- c3 on main
        TestRepo app = TestRepo.create(dir.resolve("app"));
        String c1 = app.commit("one", Map.of("v", "1")).name();
        String c2 = app.commit("two", Map.of("v", "2")).name();
        app.push();
        SourceOrder order = new SourceOrder(new GitClient(dir.resolve("syncer")),
                SourceRepositories.fromTemplate(dir.resolve("app").toUri() + "remote.git", true));
        Map<String, PinnedSource> pinned = new java.util.HashMap<>();
        ImageBuilt two = build("web", c2);
        WriteBackService service = service(dir.resolve("syncer"));
        assertThat(service.apply(config, two, "e2", order.of(two, pinned)).event().outcome())
                .isEqualTo(TagUpdated.Outcome.UPDATED);
        pinned.put("prod", new PinnedSource("web", "refs/heads/main", c2, two.pinnedReference()));

        // the build of c1 finishes late: c1 is an ancestor of c2, so it is superseded and nothing is written
        ImageBuilt one = build("web", c1);
        ObjectId head = repo.remoteHead();
        WriteBackService.Result late = service.apply(config, one, "e1", order.of(one, pinned));
        assertThat(late.event().outcome()).isEqualTo(TagUpdated.Outcome.SUPERSEDED);
        assertThat(late.event().reason()).contains("superseded in prod").contains("an ancestor of it");
        assertThat(late.environments()).isEmpty();
        assertThat(repo.remoteHead()).isEqualTo(head);
        assertThat(repo.remoteText("marathon/prod/web.json")).contains(two.pinnedReference());

        // a redelivery of c2 after the definition was rolled back to another image: not pinned again
        repo.pull();
        repo.commit("roll back", Map.of("marathon/prod/web.json", marathon("web", REGISTRY + "/web:old")));
        repo.push();
        WriteBackService.Result again = service.apply(config, two, "e2", order.of(two, pinned));
        assertThat(again.event().outcome()).isEqualTo(TagUpdated.Outcome.SUPERSEDED);
        assertThat(again.event().reason()).contains("changed since " + c2);
        assertThat(repo.remoteText("marathon/prod/web.json")).contains(REGISTRY + "/web:old");

        // a descendant is pinned; so is a commit of a rewritten (force-pushed) history that replaced the pinned one
        String c3 = app.commit("three", Map.of("v", "3")).name();
        app.push();
        ImageBuilt three = build("web", c3);
        assertThat(service.apply(config, three, "e3", order.of(three, pinned)).event().outcome())
                .isEqualTo(TagUpdated.Outcome.UPDATED);
        pinned.put("prod", new PinnedSource("web", "refs/heads/main", c3, three.pinnedReference()));
        app.human.reset().setMode(org.eclipse.jgit.api.ResetCommand.ResetType.HARD).setRef(c1).call();
        String rewritten = app.commit("two, rewritten", Map.of("v", "2b")).name();
        app.forcePush();
        ImageBuilt afterForcePush = build("web", rewritten);
        assertThat(service.apply(config, afterForcePush, "e4", order.of(afterForcePush, pinned)).event().outcome())
                .as("c3 is no longer on main: the rewritten history wins").isEqualTo(TagUpdated.Outcome.UPDATED);
        // and then the old c3 arriving again is older: no longer on main
        pinned.put("prod", new PinnedSource("web", "refs/heads/main", rewritten, afterForcePush.pinnedReference()));
        ImageBuilt stale = build("web", c3);
        WriteBackService.Result staleResult = service.apply(config, stale, "e5", order.of(stale, pinned));
        assertThat(staleResult.event().outcome()).isEqualTo(TagUpdated.Outcome.SUPERSEDED);
        assertThat(staleResult.event().reason()).contains("no longer on refs/heads/main");
    }

    /**
     * Found by {@code bin/quayside chaos kill-config-syncer} at the full workload: config-syncer killed after a
     * write-back's push and before Consul recorded which build it pinned; after the restart a redelivered build of an
     * older commit was ordered against Consul's stale record, pinned over the newer one, and the older image went live.
     * Git's last write-back of the definition (its {@code Quayside-Source} trailer) is what counts when Consul's record
     * does not match what Git holds.
     */
    @Test
    void aBuildIsOrderedAgainstWhatGitPinsWhenConsulsRecordWasLostToACrash() throws Exception {
        List<String> commits = webInProdAndItsHistory(3);
        String c1 = commits.get(0);
        String c2 = commits.get(1);
        String c3 = commits.get(2);
        SourceOrder order = appOrder();
        WriteBackService service = service(dir.resolve("syncer"));
        Map<String, PinnedSource> pinned = new java.util.HashMap<>();
        ImageBuilt one = build("web", c1);
        assertThat(service.apply(config, one, "e1", order.of(one, pinned)).event().outcome())
                .isEqualTo(TagUpdated.Outcome.UPDATED);
        pinned.put("prod", new PinnedSource("web", "refs/heads/main", c1, one.pinnedReference()));
        // c3 is written back and pushed; the kill comes before Consul records it: the record still says c1
        ImageBuilt three = build("web", c3);
        assertThat(service.apply(config, three, "e3", order.of(three, pinned)).event().outcome())
                .isEqualTo(TagUpdated.Outcome.UPDATED);

        // after the restart, the redelivered build of c2 (older than c3) arrives
        ImageBuilt two = build("web", c2);
        ObjectId head = repo.remoteHead();
        WriteBackService.Result late = service.apply(config, two, "e2", order.of(two, pinned));
        assertThat(late.event().outcome()).isEqualTo(TagUpdated.Outcome.SUPERSEDED);
        assertThat(late.event().reason()).contains("superseded in prod").contains("an ancestor of it");
        assertThat(repo.remoteHead()).isEqualTo(head);
        assertThat(repo.remoteText("marathon/prod/web.json")).contains(three.pinnedReference());
    }

    /**
     * The first write-back of an environment is pushed and the kill comes before Consul records it at all: no record,
     * and Git's {@code Quayside-Source} of the definition is what the next build is ordered against.
     */
    @Test
    void aBuildIsOrderedAgainstWhatGitPinsWhenConsulHasNoRecordAtAll() throws Exception {
        List<String> commits = webInProdAndItsHistory(2);
        String c1 = commits.get(0);
        String c2 = commits.get(1);
        SourceOrder order = appOrder();
        WriteBackService service = service(dir.resolve("syncer"));
        ImageBuilt two = build("web", c2);
        assertThat(service.apply(config, two, "e2", order.of(two, Map.of())).event().outcome())
                .isEqualTo(TagUpdated.Outcome.UPDATED);

        ImageBuilt one = build("web", c1);
        ObjectId head = repo.remoteHead();
        WriteBackService.Result late = service.apply(config, one, "e1", order.of(one, Map.of()));
        assertThat(late.event().outcome()).isEqualTo(TagUpdated.Outcome.SUPERSEDED);
        assertThat(late.event().reason()).contains("an ancestor of it");
        assertThat(repo.remoteHead()).isEqualTo(head);
    }

    /** marathon/prod/web.json at web:old, and the app's source repository with {@code n} commits on main (oldest first). */
    private List<String> webInProdAndItsHistory(int n) throws Exception {
        repo.commit("initial", Map.of("marathon/prod/web.json", marathon("web", REGISTRY + "/web:old")));
        repo.push();
        List<String> commits = new java.util.ArrayList<>();
        try (TestRepo app = TestRepo.create(dir.resolve("app"))) {
            for (int i = 1; i <= n; i++) {
                commits.add(app.commit("commit " + i, Map.of("v", String.valueOf(i))).name());
            }
            app.push();
        }
        return commits;
    }

    /** The ordering of builds by the app's source repository ({@code dir/app}). */
    private SourceOrder appOrder() {
        return new SourceOrder(new GitClient(dir.resolve("syncer")),
                SourceRepositories.fromTemplate(dir.resolve("app").toUri() + "remote.git", true));
    }

    @Test
    void aBuildThatCannotBeOrderedIsRefused() throws Exception {
        repo.commit("initial", Map.of("marathon/prod/web.json", marathon("web", REGISTRY + "/web:old")));
        repo.push();
        SourceOrder order = new SourceOrder(new GitClient(dir.resolve("syncer")),
                new SourceRepositories(Map.of(), null, false));
        ImageBuilt built = build("web", "a".repeat(40));
        Map<String, PinnedSource> pinned = Map.of("prod", new PinnedSource("web", "refs/heads/main", "b".repeat(40),
                "x"));
        assertThatThrownBy(() -> service(dir.resolve("syncer")).apply(config, built, "e", order.of(built, pinned)))
                .isInstanceOf(SourceOrder.UnorderableException.class)
                .hasMessageContaining("source repository 'web' is not configured");
        // nothing pinned yet: the first build needs no order
        assertThat(service(dir.resolve("syncer")).apply(config, built, "e", order.of(built, Map.of())).event()
                .outcome()).isEqualTo(TagUpdated.Outcome.UPDATED);
    }

    static ImageBuilt build(String app, String commit) {
        String digest = "sha256:" + commit.substring(0, 40) + "0".repeat(24);
        String tag = commit.substring(0, 12);
        return new ImageBuilt(app, app, commit, "refs/heads/main", REGISTRY, app, tag, List.of(), digest,
                "pkg:oci/" + app + "@" + digest.replace(":", "%3A"), Map.of(), false);
    }
}
