package dev.quayside.configsyncer.writeback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quayside.configsyncer.client.GitClient;
import dev.quayside.configsyncer.mirror.MirrorOptions;
import dev.quayside.configsyncer.service.ConfigRepo;
import dev.quayside.configsyncer.service.SyncSettings;
import dev.quayside.configsyncer.service.TestRepo;
import dev.quayside.events.Deployment;
import dev.quayside.events.DeploymentTarget;
import dev.quayside.events.ServiceRolledBack;
import dev.quayside.events.TagUpdated;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rollback write-back against real Git repositories (a bare remote and a human's clone). */
class RollbackWriteBackTest {

    static final String GOOD = WriteBackServiceTest.REGISTRY + "/web@sha256:" + "1".repeat(64);
    static final String BAD = WriteBackServiceTest.REGISTRY + "/web@sha256:" + "2".repeat(64);
    static final String FILE = "marathon/prod/web.json";
    static final String CHECK = "HTTP /health on port index 0: 503 Service Unavailable";

    @TempDir
    Path dir;
    TestRepo repo;
    ConfigRepo config;
    RevCommit good;
    RevCommit bad;

    @BeforeEach
    void setUp() throws Exception {
        repo = TestRepo.create(dir);
        config = ConfigRepo.of("deploy", repo.url(), MirrorOptions.defaults());
        Map<String, String> files = new LinkedHashMap<>();
        files.put(FILE, WriteBackServiceTest.marathon("prod/web", GOOD));
        files.put("marathon/prod/other.json", WriteBackServiceTest.marathon("prod/other", "nginx:1.25"));
        good = repo.commit("web at the good build", files);
        bad = repo.commit("web at the bad build", Map.of(FILE, WriteBackServiceTest.marathon("prod/web", BAD)));
        repo.push();
    }

    @AfterEach
    void tearDown() {
        repo.close();
    }

    RollbackWriteBack service() {
        return new RollbackWriteBack(new WriteBackService(new GitClient(dir.resolve("syncer")), SyncSettings.defaults()));
    }

    static ServiceRolledBack rolledBack(String failedCommit, String restoreCommit, String file) {
        Deployment d = new Deployment("web", "prod", DeploymentTarget.MARATHON, "/prod/web", "2026-12-05T10:00:00Z",
                BAD, "dep-1", 1200);
        return new ServiceRolledBack(d, "2026-12-05T09:00:00Z", "health check failed", "deploy", "main", file,
                failedCommit, restoreCommit, CHECK);
    }

    @Test
    void oneCommitRestoresTheLastGoodDefinitionAndARedeliveryWritesNothing() throws Exception {
        RollbackWriteBack.Result result = service().apply(config, rolledBack(bad.name(), good.name(), FILE), "chain-1",
                "event-1");

        TagUpdated tag = result.event();
        assertThat(tag.outcome()).isEqualTo(TagUpdated.Outcome.UPDATED);
        assertThat(tag.app()).isEqualTo("web");
        assertThat(tag.newImage()).isEqualTo(GOOD);
        assertThat(tag.changes()).containsExactly(new TagUpdated.FileChange(FILE, "prod", BAD, GOOD));
        assertThat(repo.remoteText(FILE)).isEqualTo(WriteBackServiceTest.marathon("prod/web", GOOD));
        assertThat(repo.remoteText("marathon/prod/other.json"))
                .isEqualTo(WriteBackServiceTest.marathon("prod/other", "nginx:1.25"));
        try (Git g = Git.open(repo.bare.toFile())) {
            RevCommit head = g.log().add(repo.remoteHead()).setMaxCount(1).call().iterator().next();
            assertThat(head.getName()).isEqualTo(tag.commitWritten()).isEqualTo(result.pushed().name());
            assertThat(head.getParent(0).getId()).isEqualTo(bad.getId());
            assertThat(head.getAuthorIdent().getName()).isEqualTo("Quayside");
            assertThat(head.getFullMessage()).startsWith("Roll back web in prod to " + GOOD + "\n\n")
                    .contains("Quayside-Rollback-Of: " + bad.name() + "\n")
                    .contains("Quayside-Restores: " + good.name() + "\n")
                    .contains("Quayside-Chain: chain-1\n")
                    .contains("Quayside-Failing-Image: " + BAD + "\n")
                    .contains("Quayside-Health-Check: " + CHECK + "\n")
                    .contains("Quayside-Event: event-1\n");
        }

        // the same ServiceRolledBack again: the file already holds the good definition, no second commit
        ObjectId after = repo.remoteHead();
        RollbackWriteBack.Result again = service().apply(config, rolledBack(bad.name(), good.name(), FILE), "chain-1",
                "event-1");
        assertThat(again.event().outcome()).isEqualTo(TagUpdated.Outcome.UNCHANGED);
        assertThat(again.event().reason()).contains("already holds the definition of " + good.name());
        assertThat(again.pushed()).isNull();
        assertThat(repo.remoteHead()).isEqualTo(after);
    }

    @Test
    void aFileANewerCommitChangedIsLeftAsItIs() throws Exception {
        String fixed = WriteBackServiceTest.marathon("prod/web", WriteBackServiceTest.REGISTRY + "/web@sha256:"
                + "3".repeat(64));
        repo.commit("a human fixes web", Map.of(FILE, fixed));
        repo.push();
        ObjectId before = repo.remoteHead();

        RollbackWriteBack.Result result = service().apply(config, rolledBack(bad.name(), good.name(), FILE), "chain-1",
                "event-1");

        assertThat(result.event().outcome()).isEqualTo(TagUpdated.Outcome.UNCHANGED);
        assertThat(result.event().reason()).contains("changed by a newer commit since " + bad.name())
                .contains("a human fixed it");
        assertThat(result.pushed()).isNull();
        assertThat(repo.remoteHead()).isEqualTo(before);
        assertThat(repo.remoteText(FILE)).isEqualTo(fixed);
    }

    @Test
    void theDefinitionThatFailedIsRecognisedByItsBlobWhenANewerCommitThanTheSyncBroughtIt() throws Exception {
        // chaos kill-config-syncer at full workload: the sync of 'bad' was applied after a newer commit had already put
        // its definition in KV, so the definition that failed is the newer commit's; the rollback names the sync's
        // commit. Git must still be written back, or Marathon runs GOOD while Git and KV keep NEWER (and the applier
        // refuses NEWER as the definition that failed): the failing content is named by its blob id.
        String newerImage = WriteBackServiceTest.REGISTRY + "/web@sha256:" + "4".repeat(64);
        String newer = WriteBackServiceTest.marathon("prod/web", newerImage);
        RevCommit newerCommit = repo.commit("web at a newer build", Map.of(FILE, newer));
        repo.push();
        ServiceRolledBack event = rolledBack(bad.name(), good.name(), FILE);
        ServiceRolledBack applied = new ServiceRolledBack(new Deployment("web", "prod", DeploymentTarget.MARATHON,
                "/prod/web", "2026-12-05T10:00:00Z", newerImage, "dep-1", 1200), event.toVersion(), event.reason(),
                event.configRepository(), event.branch(), FILE, bad.name(), good.name(), CHECK, blobOf(newer));

        RollbackWriteBack.Result result = service().apply(config, applied, "chain-1", "event-1");

        assertThat(result.event().outcome()).isEqualTo(TagUpdated.Outcome.UPDATED);
        assertThat(result.event().changes()).containsExactly(new TagUpdated.FileChange(FILE, "prod", newerImage, GOOD));
        assertThat(repo.remoteText(FILE)).isEqualTo(WriteBackServiceTest.marathon("prod/web", GOOD));
        try (Git g = Git.open(repo.bare.toFile())) {
            RevCommit head = g.log().add(repo.remoteHead()).setMaxCount(1).call().iterator().next();
            assertThat(head.getFullMessage()).contains("Quayside-Rollback-Of: " + newerCommit.name() + "\n")
                    .contains("Quayside-Failing-Image: " + newerImage + "\n");
        }

        // a human's newer fix is still left alone when the blob names another content
        String fixed = WriteBackServiceTest.marathon("prod/web", newerImage).replace("\"cpus\": 0.1", "\"cpus\": 0.2");
        repo.pull();
        repo.commit("a human fixes web", Map.of(FILE, fixed));
        repo.push();
        RollbackWriteBack.Result again = service().apply(config, applied, "chain-1", "event-1");
        assertThat(again.event().outcome()).isEqualTo(TagUpdated.Outcome.UNCHANGED);
        assertThat(again.event().reason()).contains("changed by a newer commit");
        assertThat(repo.remoteText(FILE)).isEqualTo(fixed);
    }

    static String blobOf(String content) {
        return new org.eclipse.jgit.lib.ObjectInserter.Formatter().idFor(org.eclipse.jgit.lib.Constants.OBJ_BLOB,
                content.getBytes(java.nio.charset.StandardCharsets.UTF_8)).name();
    }

    @Test
    void aNewerCommitOfOtherFilesKeepsItsChangesAndTheRollbackGoesOnTop() throws Exception {
        RevCommit other = repo.commit("scale other", Map.of("marathon/prod/other.json",
                WriteBackServiceTest.marathon("prod/other", "nginx:1.26")));
        repo.push();

        RollbackWriteBack.Result result = service().apply(config, rolledBack(bad.name(), good.name(), FILE), "chain-1",
                "event-1");

        assertThat(result.event().outcome()).isEqualTo(TagUpdated.Outcome.UPDATED);
        assertThat(repo.remoteText(FILE)).isEqualTo(WriteBackServiceTest.marathon("prod/web", GOOD));
        assertThat(repo.remoteText("marathon/prod/other.json"))
                .isEqualTo(WriteBackServiceTest.marathon("prod/other", "nginx:1.26"));
        try (Git g = Git.open(repo.bare.toFile())) {
            RevCommit head = g.log().add(repo.remoteHead()).setMaxCount(1).call().iterator().next();
            assertThat(head.getParent(0).getId()).isEqualTo(other.getId());
        }
    }

    @Test
    void badInputIsRefusedWithAClearReasonAndNothingIsWritten() throws Exception {
        ObjectId before = repo.remoteHead();
        RollbackWriteBack service = service();
        assertThatThrownBy(() -> service.apply(config, rolledBack(bad.name(), null, FILE), "c", "e"))
                .isInstanceOf(WriteBackService.RefusedException.class).hasMessageContaining("no restore commit");
        assertThatThrownBy(() -> service.apply(config, rolledBack(bad.name(), "not-a-sha", FILE), "c", "e"))
                .isInstanceOf(WriteBackService.RefusedException.class).hasMessageContaining("'not-a-sha' is not a commit id");
        assertThatThrownBy(() -> service.apply(config, rolledBack(bad.name(), "9".repeat(40), FILE), "c", "e"))
                .isInstanceOf(WriteBackService.RefusedException.class)
                .hasMessageContaining("restore commit " + "9".repeat(40) + " is not in deploy/main");
        assertThatThrownBy(() -> service.apply(config, rolledBack(bad.name(), good.name(), "marathon/prod/nope.json"),
                "c", "e")).isInstanceOf(WriteBackService.RefusedException.class)
                .hasMessageContaining("marathon/prod/nope.json does not exist at the failed commit");
        assertThatThrownBy(() -> service.apply(config, rolledBack(bad.name(), good.name(), "README.md"), "c", "e"))
                .isInstanceOf(WriteBackService.RefusedException.class).hasMessageContaining("not a definition file");
        ServiceRolledBack otherBranch = new ServiceRolledBack(rolledBack(bad.name(), good.name(), FILE).deployment(),
                "v", "r", "deploy", "release", FILE, bad.name(), good.name(), CHECK);
        assertThatThrownBy(() -> service.apply(config, otherBranch, "c", "e"))
                .isInstanceOf(WriteBackService.RefusedException.class)
                .hasMessageContaining("branch 'release' is not a mirrored branch");
        assertThat(repo.remoteHead()).isEqualTo(before);
        assertThat(repo.remoteText(FILE)).isEqualTo(WriteBackServiceTest.marathon("prod/web", BAD));
    }

    @Test
    void theDefinitionAFirstDeploymentHadNotIsRefused() throws Exception {
        RevCommit added = repo.commit("add api", Map.of("marathon/prod/api.json",
                WriteBackServiceTest.marathon("prod/api", BAD)));
        repo.push();
        assertThatThrownBy(() -> service().apply(config, rolledBack(added.name(), bad.name(), "marathon/prod/api.json"),
                "c", "e")).isInstanceOf(WriteBackService.RefusedException.class)
                .hasMessageContaining("does not exist at the restore commit " + bad.name());
        assertThat(List.of(repo.remoteHead())).containsExactly(added.getId());
    }
}
