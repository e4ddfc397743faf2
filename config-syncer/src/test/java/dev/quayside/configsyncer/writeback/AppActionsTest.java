package dev.quayside.configsyncer.writeback;

import static dev.quayside.configsyncer.writeback.WriteBackServiceTest.REGISTRY;
import static dev.quayside.configsyncer.writeback.WriteBackServiceTest.marathon;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quayside.configsyncer.client.GitClient;
import dev.quayside.configsyncer.mirror.MirrorOptions;
import dev.quayside.configsyncer.policy.PolicyFiles;
import dev.quayside.configsyncer.service.ConfigRepo;
import dev.quayside.configsyncer.service.SyncSettings;
import dev.quayside.configsyncer.service.TestRepo;
import dev.quayside.events.TagUpdated;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Suspend, resume and rollback as commits in a real config repository (a bare remote and a human's clone): what each
 * writes, what each refuses (and that a refusal writes nothing), and that the write-back honours a suspension made
 * this way as it honours one in {@code quayside.yml}.
 */
class AppActionsTest {

    static final String WEB = "marathon/prod/web.json";
    static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    @TempDir
    Path dir;
    TestRepo repo;
    ConfigRepo config;
    RevCommit v1;
    RevCommit v2;
    RevCommit v3;

    @BeforeEach
    void setUp() throws Exception {
        repo = TestRepo.create(dir);
        config = ConfigRepo.of("deploy", repo.url(), MirrorOptions.defaults());
        Map<String, String> files = new LinkedHashMap<>();
        files.put(WEB, marathon("prod/web", REGISTRY + "/web:1111111aaaaa"));
        files.put("marathon/dev/web.json", marathon("dev/web", REGISTRY + "/web:1111111aaaaa"));
        files.put("marathon/prod/api.json", marathon("prod/api", "nginx:1.25"));
        files.put("quayside.yml", "# our environments\nenvironments:\n  prod:\n    suspended: [api]\n");
        v1 = repo.commit("web 1", files);
        v2 = repo.commit("web 2", Map.of(WEB, marathon("prod/web", REGISTRY + "/web:2222222bbbbb")));
        v3 = repo.commit("web 3", Map.of(WEB, marathon("prod/web", REGISTRY + "/web:3333333ccccc")));
        repo.push();
    }

    @AfterEach
    void tearDown() {
        repo.close();
    }

    WriteBackService writer() {
        return new WriteBackService(new GitClient(dir.resolve("syncer")), SyncSettings.defaults());
    }

    AppActions actions() {
        return new AppActions(writer(), HeldBuilds.NONE, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static AppActions.Request ask(String app, String env) {
        return new AppActions.Request(app, env, "ada (quayside CLI)", "investigating 500s");
    }

    RevCommit remoteCommit() throws Exception {
        try (Git g = Git.open(repo.bare.toFile()); RevWalk walk = new RevWalk(g.getRepository())) {
            return walk.parseCommit(repo.remoteHead());
        }
    }

    @Test
    void suspendWritesOneFileBesideQuaysideYmlAndResumeDeletesIt() throws Exception {
        AppActions.Done done = actions().suspend(config, ask("web", "prod"));

        assertThat(done.commit()).isEqualTo(repo.remoteHead());
        assertThat(done.file()).isEqualTo(".quayside/suspended/prod/web.yml");
        assertThat(repo.remoteText(done.file())).startsWith("# Automation of web in prod is suspended")
                .contains("\nby: ada (quayside CLI)\n").contains("\nreason: investigating 500s\n")
                .contains("\nsince: 2026-12-06T10:00:00Z\n");
        assertThat(repo.remoteText("quayside.yml")).as("a person's quayside.yml is never rewritten")
                .isEqualTo("# our environments\nenvironments:\n  prod:\n    suspended: [api]\n");
        RevCommit commit = remoteCommit();
        assertThat(commit.getShortMessage()).isEqualTo("Suspend web in prod");
        assertThat(commit.getFooterLines("Quayside-Action")).containsExactly("suspend");
        assertThat(commit.getFooterLines("Quayside-Requested-By")).containsExactly("ada (quayside CLI)");
        assertThat(commit.getFullMessage()).contains("investigating 500s");

        assertThat(actions().suspensions(config)).containsExactly(
                new AppActions.Suspended("deploy", "api", "prod", "quayside.yml", null, null, null, null),
                new AppActions.Suspended("deploy", "web", "prod", ".quayside/suspended/prod/web.yml",
                        "ada (quayside CLI)", "investigating 500s", NOW, done.commit()));

        AppActions.Done again = actions().suspend(config, ask("web", "prod"));
        assertThat(again.commit()).as("already suspended: nothing written").isNull();
        assertThat(again.message()).contains("already suspended");
        assertThat(repo.remoteHead()).isEqualTo(done.commit());

        AppActions.Done resumed = actions().resume(config, new AppActions.Request("web", "prod", "ada", null));
        assertThat(resumed.commit()).isEqualTo(repo.remoteHead());
        assertThat(repo.remoteText(done.file())).isNull();
        assertThat(remoteCommit().getShortMessage()).isEqualTo("Resume web in prod");
        assertThat(actions().suspensions(config)).extracting(AppActions.Suspended::app).containsExactly("api");

        assertRefused(() -> actions().resume(config, ask("web", "prod")), AppActions.Refusal.NOT_FOUND,
                "web is not suspended in prod in deploy: nothing written");
    }

    @Test
    void aSuspensionInQuaysideYmlIsResumedThereNotThroughTheApi() throws Exception {
        AppActions.Done already = actions().suspend(config, ask("api", "prod"));
        assertThat(already.commit()).isNull();
        assertThat(already.file()).isEqualTo("quayside.yml");
        ObjectId head = repo.remoteHead();

        assertRefused(() -> actions().resume(config, ask("api", "prod")), AppActions.Refusal.CONFLICT,
                "api is suspended in prod by quayside.yml (environments.prod.suspended): remove it from that list to"
                        + " resume it; nothing written");
        assertThat(repo.remoteHead()).isEqualTo(head);
    }

    @Test
    void badNamesMissingDefinitionsAndARefusedQuaysideYmlWriteNothing() throws Exception {
        ObjectId head = repo.remoteHead();
        for (String[] bad : new String[][] {{"..", "prod"}, {"web", "../marathon"}, {"a/b", "prod"}, {"web", ""},
                {"web\n", "prod"}}) {
            assertRefused(() -> actions().suspend(config, ask(bad[0], bad[1])), AppActions.Refusal.BAD_REQUEST,
                    "is not an");
        }
        assertRefused(() -> actions().suspend(config, ask("shop", "prod")), AppActions.Refusal.NOT_FOUND,
                "deploy has no definition of shop in prod");
        assertRefused(() -> actions().rollback(config, ask("web", "staging"), null), AppActions.Refusal.NOT_FOUND,
                "deploy has no definition of web in staging");
        assertThat(repo.remoteHead()).isEqualTo(head);

        repo.pull();
        repo.commit("break the policy", Map.of("quayside.yml", "environments: [prod]\n"));
        repo.push();
        head = repo.remoteHead();
        assertRefused(() -> actions().suspend(config, ask("web", "prod")), AppActions.Refusal.CONFLICT,
                "quayside.yml: 'environments' must be a map of environment name to policy: a suspension would not"
                        + " take effect until it is fixed; nothing written");
        assertThat(repo.remoteHead()).isEqualTo(head);
    }

    @Test
    void rollbackRestoresTheVersionBeforeTheLastChangeByDefaultOrTheOneAskedFor() throws Exception {
        AppActions.Done back = actions().rollback(config, ask("web", "prod"), null);
        assertThat(back.restoredFrom()).isEqualTo(v2.getId());
        assertThat(back.fromImage()).isEqualTo(REGISTRY + "/web:3333333ccccc");
        assertThat(back.toImage()).isEqualTo(REGISTRY + "/web:2222222bbbbb");
        assertThat(repo.remoteText(WEB)).isEqualTo(marathon("prod/web", REGISTRY + "/web:2222222bbbbb"));
        RevCommit commit = remoteCommit();
        assertThat(commit.getShortMessage()).isEqualTo("Roll back web in prod to " + REGISTRY + "/web:2222222bbbbb");
        assertThat(commit.getFooterLines("Quayside-Restores")).containsExactly(v2.name());
        assertThat(commit.getFooterLines("Quayside-Source")).as("a rollback pins no build: a redelivered newer"
                + " build does not undo it").isEmpty();

        // by image tag, by the whole image, by a commit of the config repository (abbreviated)
        assertThat(actions().rollback(config, ask("web", "prod"), "1111111aaaaa").restoredFrom())
                .isEqualTo(v1.getId());
        assertThat(repo.remoteText(WEB)).contains("web:1111111aaaaa");
        assertThat(actions().rollback(config, ask("web", "prod"), REGISTRY + "/web:3333333ccccc").toImage())
                .isEqualTo(REGISTRY + "/web:3333333ccccc");
        assertThat(actions().rollback(config, ask("web", "prod"), v2.name().substring(0, 10)).toImage())
                .isEqualTo(REGISTRY + "/web:2222222bbbbb");
        // the default after a rollback: the version it replaced
        assertThat(actions().rollback(config, ask("web", "prod"), null).toImage())
                .isEqualTo(REGISTRY + "/web:3333333ccccc");

        ObjectId head = repo.remoteHead();
        assertRefused(() -> actions().rollback(config, ask("web", "prod"), "9999999fffff"),
                AppActions.Refusal.NOT_FOUND, "no earlier version of marathon/prod/web.json in its last 100 changes"
                        + " runs '9999999fffff'");
        assertRefused(() -> actions().rollback(config, ask("web", "prod"), "3333333ccccc"),
                AppActions.Refusal.CONFLICT, "marathon/prod/web.json already runs " + REGISTRY + "/web:3333333ccccc");
        assertRefused(() -> actions().rollback(config, ask("web", "prod"), v3.name()), AppActions.Refusal.CONFLICT,
                "marathon/prod/web.json already holds the version of " + v3.name());
        assertRefused(() -> actions().rollback(config, ask("api", "prod"), null), AppActions.Refusal.CONFLICT,
                "api is suspended in prod: a rollback would not be applied; resume it first");
        assertThat(repo.remoteHead()).isEqualTo(head);
    }

    @Test
    void theWriteBackAndThePoliciesHonourASuspensionMadeThroughTheApi() throws Exception {
        actions().suspend(config, ask("web", "prod"));

        WriteBackService.Result result = writer().apply(config, WriteBackServiceTest.built("web", "main", "abc1234"),
                "event-1");
        assertThat(result.event().changes()).extracting(TagUpdated.FileChange::path)
                .containsExactly("marathon/dev/web.json");
        assertThat(result.event().reason()).isEqualTo("web is suspended in prod: not pinned there");
        assertThat(repo.remoteText(WEB)).contains("web:3333333ccccc");

        // deleting the file by hand resumes as the API does
        repo.pull();
        repo.commit("resume by hand", java.util.Collections.singletonMap(".quayside/suspended/prod/web.yml", null));
        repo.push();
        assertThat(writer().apply(config, WriteBackServiceTest.built("web", "main", "def5678"), "event-2").event()
                .changes()).extracting(TagUpdated.FileChange::path)
                .containsExactlyInAnyOrder("marathon/dev/web.json", WEB);
    }

    @Test
    void aSuspensionFileSaysWhatItCanAndAFileOfAnotherShapeSuspendsNothing() {
        assertThat(PolicyFiles.suspensionFile("prod", "web")).isEqualTo(".quayside/suspended/prod/web.yml");
        assertThat(AppActions.runs(REGISTRY + "/web:abc@sha256:" + "1".repeat(64), "abc")).isTrue();
        assertThat(AppActions.runs(REGISTRY + "/web:abc@sha256:" + "1".repeat(64), "sha256:" + "1".repeat(64)))
                .isTrue();
        assertThat(AppActions.runs(REGISTRY + "/web:abc@sha256:" + "1".repeat(64), REGISTRY + "/web:abc")).isTrue();
        assertThat(AppActions.runs(REGISTRY + "/web:abc", "5000/web:abc")).isFalse();
        assertThat(AppActions.runs(REGISTRY + "/web", "5000/web")).as("a port is not a tag").isFalse();
        assertThat(AppActions.runs(null, "abc")).isFalse();
    }

    static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, AppActions.Refusal refusal,
            String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AppActions.RefusedException.class, e -> {
            assertThat(e.refusal()).isEqualTo(refusal);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
