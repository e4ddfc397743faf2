package dev.quayside.configsyncer.writeback;

import static dev.quayside.configsyncer.writeback.WriteBackServiceTest.REGISTRY;
import static dev.quayside.configsyncer.writeback.WriteBackServiceTest.build;
import static dev.quayside.configsyncer.writeback.WriteBackServiceTest.marathon;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.configsyncer.client.GitClient;
import dev.quayside.configsyncer.mirror.MirrorOptions;
import dev.quayside.configsyncer.policy.Policies;
import dev.quayside.configsyncer.service.ConfigRepo;
import dev.quayside.configsyncer.service.SyncSettings;
import dev.quayside.configsyncer.service.TestRepo;
import dev.quayside.events.Deployment;
import dev.quayside.events.DeploymentTarget;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.PromotionFailed.Reason;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Promotion against real Git repositories: a bare config remote with a human's clone, and the app's source repo. */
class PromotionWriteBackTest {

    static final String POLICY = "environments:\n  dev: {branches: [main]}\n  staging: {promote-from: dev}\n"
            + "  prod: {promote-from: staging}\n  qa: {promote-from: dev, suspended: [web]}\n"
            + "  perf: {promote-from: dev}\n  uat: {promote-from: dev}\n";
    static final String OLD = REGISTRY + "/web:old";

    @TempDir
    Path dir;
    TestRepo repo;
    TestRepo app;
    ConfigRepo config;
    WriteBackService writer;
    SourceOrder order;
    PromotionWriteBack promotions;
    String c1;
    String c2;
    /** What the image keys record, per environment (Consul in the service). */
    final Map<String, PinnedSource> pinned = new HashMap<>();

    @BeforeEach
    void setUp() throws Exception {
        repo = TestRepo.create(dir);
        config = ConfigRepo.of("deploy", repo.url(), MirrorOptions.defaults());
        Map<String, String> files = new LinkedHashMap<>();
        files.put(Policies.FILE, POLICY);
        for (String env : List.of("dev", "staging", "prod", "qa", "uat")) {
            files.put("marathon/" + env + "/web.json", marathon(env + "/web", OLD));
        }
        files.put("marathon/perf/other.json", marathon("perf/other", "nginx:1"));
        repo.commit("initial", files);
        repo.push();
        app = TestRepo.create(dir.resolve("app"));
        c1 = app.commit("one", Map.of("v", "1")).name();
        c2 = app.commit("two", Map.of("v", "2")).name();
        app.push();
        writer = new WriteBackService(new GitClient(dir.resolve("syncer")), SyncSettings.defaults());
        order = new SourceOrder(new GitClient(dir.resolve("syncer")),
                SourceRepositories.fromTemplate(dir.resolve("app").toUri() + "remote.git", true));
        promotions = new PromotionWriteBack(writer, order);
    }

    @AfterEach
    void tearDown() {
        repo.close();
        app.close();
    }

    /** The write-back of {@code built} into dev (the only environment following main), recorded like Consul does. */
    private void writeBack(ImageBuilt built) throws Exception {
        assertThat(writer.apply(config, built, "build-" + built.commit()).pushed()).isNotNull();
        pinned.put("dev", new PinnedSource(built.repository(), "refs/heads/main", built.commit(),
                built.pinnedReference()));
    }

    static Deployment ran(String environment, String image) {
        return new Deployment("web", environment, DeploymentTarget.MARATHON, "/" + environment + "/web", "v1", image,
                "dep-1", 1000);
    }

    /** What the handler does: the plan, then one promotion (one push) per environment. */
    private Map<String, PromotionWriteBack.Target> promote(Deployment deployed, String chain, String event)
            throws Exception {
        PromotionWriteBack.Plan plan = promotions.plan(config, deployed);
        Map<String, PromotionWriteBack.Target> targets = new LinkedHashMap<>();
        if (plan.refusal() != null) {
            targets.put(null, plan.refusal());
        }
        for (String to : plan.environments()) {
            targets.put(to, promotions.apply(config, deployed, to, pinned, chain, event));
        }
        return targets;
    }

    private RevCommit remoteCommit(ObjectId id) throws Exception {
        try (Git g = Git.open(repo.bare.toFile()); RevWalk walk = new RevWalk(g.getRepository())) {
            return walk.parseCommit(id);
        }
    }

    @Test
    void aSuccessInDevPinsTheSameDigestInStagingOnceWithTheChainsTrailers() throws Exception {
        ImageBuilt two = build("web", c2);
        writeBack(two);
        ObjectId writtenBack = repo.remoteHead();

        Map<String, PromotionWriteBack.Target> targets = promote(ran("dev", two.pinnedReference()), "chain-1",
                "deployed-1");
        assertThat(targets.keySet()).containsExactly("staging", "qa", "perf", "uat");
        PromotionWriteBack.Target staging = targets.get("staging");
        assertThat(staging.written()).isTrue();
        assertThat(staging.promoted()).isTrue();
        assertThat(staging.files()).containsExactly("marathon/staging/web.json");
        assertThat(targets.get("qa").refused()).isEqualTo(Reason.SUSPENDED);
        assertThat(targets.get("qa").reason()).isEqualTo("web is suspended in qa: not promoted there");
        assertThat(targets.get("perf").refused()).isEqualTo(Reason.NO_DEFINITION);
        assertThat(staging.source()).isEqualTo(new PinnedSource("web", "refs/heads/main", c2, two.pinnedReference()));

        // exactly the digest that ran in dev, every other byte as it was; prod (promoted from staging) untouched
        // one commit per environment: uat's on top of staging's, each changing its own definition only
        PromotionWriteBack.Target uat = targets.get("uat");
        assertThat(uat.written()).isTrue();
        assertThat(uat.files()).containsExactly("marathon/uat/web.json");
        assertThat(remoteCommit(uat.commit()).getParent(0).getId()).isEqualTo(staging.commit());
        assertThat(remoteCommit(uat.commit()).getFooterLines("Quayside-Promoted-From")).containsExactly("dev");
        assertThat(repo.remoteHead()).isEqualTo(uat.commit());
        assertThat(repo.remoteText("marathon/uat/web.json")).contains(two.pinnedReference());
        assertThat(repo.remoteText("marathon/staging/web.json"))
                .isEqualTo(marathon("staging/web", OLD).replace(OLD, two.pinnedReference()));
        assertThat(repo.remoteText("marathon/prod/web.json")).contains(OLD);
        assertThat(repo.remoteText("marathon/qa/web.json")).contains(OLD);
        RevCommit commit = remoteCommit(staging.commit());
        assertThat(commit.getParentCount()).isEqualTo(1);
        assertThat(commit.getParent(0).getId()).as("one commit on top of the write-back").isEqualTo(writtenBack);
        assertThat(commit.getFooterLines("Quayside-Source")).containsExactly("web@" + c2);
        assertThat(commit.getFooterLines("Quayside-Promoted-From")).containsExactly("dev");
        assertThat(commit.getFooterLines("Quayside-Chain")).containsExactly("chain-1");
        assertThat(commit.getFooterLines("Quayside-Event")).containsExactly("deployed-1");
        assertThat(commit.getShortMessage()).isEqualTo("Promote web to staging: " + two.pinnedReference());

        // redelivered: nothing written, the same commit is named again (its sync is announced in the same chain)
        PromotionWriteBack.Target again = promote(ran("dev", two.pinnedReference()), "chain-1", "deployed-1").get("staging");
        assertThat(again.written()).isFalse();
        assertThat(again.commit()).isEqualTo(staging.commit());
        assertThat(repo.remoteHead()).isEqualTo(uat.commit());
        // another success of the same image in dev (another event): nothing written, nothing to announce
        PromotionWriteBack.Target other = promote(ran("dev", two.pinnedReference()), "chain-2", "deployed-2").get("staging");
        assertThat(other.written()).isFalse();
        assertThat(other.promoted()).isFalse();
        assertThat(other.refused()).isNull();
        assertThat(repo.remoteHead()).isEqualTo(uat.commit());

        // the success in staging goes on to prod, with the same source as the commit that pinned it in staging
        pinned.put("staging", staging.source());
        PromotionWriteBack.Target prod = promote(ran("staging", two.pinnedReference()), "chain-3", "deployed-3").get("prod");
        assertThat(prod.written()).isTrue();
        assertThat(repo.remoteText("marathon/prod/web.json")).contains(two.pinnedReference());
        RevCommit toProd = remoteCommit(prod.commit());
        assertThat(toProd.getFooterLines("Quayside-Source")).containsExactly("web@" + c2);
        assertThat(toProd.getFooterLines("Quayside-Promoted-From")).containsExactly("staging");
        assertThat(toProd.getParent(0).getId()).isEqualTo(uat.commit());
    }

    @Test
    void anOlderImageNeverReplacesANewerOneInTheNextEnvironment() throws Exception {
        ImageBuilt two = build("web", c2);
        writeBack(two);
        PromotionWriteBack.Target first = promote(ran("dev", two.pinnedReference()), "chain-2", "deployed-2")
                .get("staging");
        assertThat(first.written()).isTrue();
        pinned.put("staging", first.source());
        pinned.put("uat", first.source());
        // c1 (an ancestor of c2) lands in dev late, by hand or by an older write-back, and runs there successfully
        ImageBuilt one = build("web", c1);
        writeBack(one);
        ObjectId head = repo.remoteHead();

        PromotionWriteBack.Target staging = promote(ran("dev", one.pinnedReference()), "chain-1", "deployed-1").get("staging");

        assertThat(staging.refused()).isEqualTo(Reason.OLDER);
        assertThat(staging.reason()).contains("is older than").contains("pinned in staging")
                .contains("an ancestor of it");
        assertThat(repo.remoteHead()).isEqualTo(head);
        assertThat(repo.remoteText("marathon/staging/web.json")).contains(two.pinnedReference());
    }

    /**
     * A crash between a promotion's push and the image keys leaves Consul without a record of what the next
     * environment pins: Git's {@code Quayside-Source} trailer of that definition orders the build then.
     */
    @Test
    void anOlderImageNeverReplacesANewerOneWhenConsulHasNoRecordOfIt() throws Exception {
        ImageBuilt two = build("web", c2);
        writeBack(two);
        assertThat(promote(ran("dev", two.pinnedReference()), "chain-2", "deployed-2").get("staging").written())
                .isTrue();
        ImageBuilt one = build("web", c1);
        writeBack(one);
        ObjectId head = repo.remoteHead();

        Map<String, PromotionWriteBack.Target> targets = promote(ran("dev", one.pinnedReference()), "chain-1",
                "deployed-1");

        assertThat(targets.get("staging").refused()).isEqualTo(Reason.OLDER);
        assertThat(targets.get("uat").refused()).isEqualTo(Reason.OLDER);
        assertThat(repo.remoteHead()).isEqualTo(head);
    }

    @Test
    void aChronosJobIsPromotedIntoTheNextEnvironmentsJobOnly() throws Exception {
        repo.pull();
        repo.commit("jobs", Map.of("chronos/dev/web.json", WriteBackServiceTest.chronos("web", OLD),
                "chronos/staging/web.json", WriteBackServiceTest.chronos("web", OLD)));
        repo.push();
        ImageBuilt two = build("web", c2);
        writeBack(two);
        Deployment job = new Deployment("web", "dev", DeploymentTarget.CHRONOS, "web", null, two.pinnedReference(),
                null, 300);

        PromotionWriteBack.Target staging = promote(job, "chain-j", "job-1").get("staging");

        assertThat(staging.written()).isTrue();
        assertThat(staging.files()).containsExactly("chronos/staging/web.json");
        assertThat(repo.remoteText("chronos/staging/web.json"))
                .isEqualTo(WriteBackServiceTest.chronos("web", two.pinnedReference()));
        assertThat(repo.remoteText("marathon/staging/web.json")).as("the Marathon app is not the job").contains(OLD);
    }

    @Test
    void whatCannotBePromotedIsRefusedWithAReasonAndNothingIsWritten() throws Exception {
        ImageBuilt two = build("web", c2);
        writeBack(two);
        ObjectId head = repo.remoteHead();

        // not pinned by digest: another image could run under the same tag
        assertThat(promote(ran("dev", REGISTRY + "/web:latest"), "c", "e")
                .get("staging").refused()).isEqualTo(Reason.NOT_PINNED);
        // dev moved on since: the deployed image is not what dev's definition pins now
        String elsewhere = REGISTRY + "/web@sha256:" + "9".repeat(64);
        PromotionWriteBack.Target movedOn = promote(ran("dev", elsewhere), "c", "e").get("staging");
        assertThat(movedOn.refused()).isEqualTo(Reason.SOURCE_MOVED_ON);
        assertThat(movedOn.reason()).contains("marathon/dev/web.json pins " + two.pinnedReference());
        assertThat(repo.remoteHead()).isEqualTo(head);

        // a broken staging definition, then a quayside.yml that does not parse
        repo.pull();
        repo.commit("broken", Map.of("marathon/staging/web.json", "{\"id\": "));
        repo.push();
        PromotionWriteBack.Target broken = promote(ran("dev", two.pinnedReference()), "c", "e").get("staging");
        assertThat(broken.refused()).isEqualTo(Reason.INVALID_DEFINITION);
        assertThat(broken.reason()).startsWith("marathon/staging/web.json is not valid JSON");
        repo.pull(); // uat was promoted meanwhile
        repo.commit("broken policy", Map.of(Policies.FILE, "environments:\n  staging: {promote-from: staging}\n"));
        repo.push();
        head = repo.remoteHead();
        assertThat(promote(ran("dev", two.pinnedReference()), "c", "e").values())
                .singleElement().satisfies(t -> {
                    assertThat(t.refused()).isEqualTo(Reason.INVALID_POLICY);
                    assertThat(t.environment()).isNull();
                    assertThat(t.reason()).contains("cannot promote from itself");
                });
        assertThat(repo.remoteHead()).isEqualTo(head);

        // pinned in dev by hand (no Quayside-Source): cannot be ordered against staging
        repo.commit("by hand", Map.of("marathon/dev/web.json", marathon("dev/web", elsewhere), Policies.FILE, POLICY,
                "marathon/staging/web.json", marathon("staging/web", OLD)));
        repo.push();
        head = repo.remoteHead();
        PromotionWriteBack.Target byHand = promote(ran("dev", elsewhere), "c", "e").get("staging");
        assertThat(byHand.refused()).isEqualTo(Reason.UNORDERABLE);
        assertThat(byHand.reason()).contains("no Quayside-Source trailer");
        assertThat(repo.remoteHead()).isEqualTo(head);
        // an app that has no definition in dev in this repository: not this repository's business
        assertThat(promote(new Deployment("nope", "dev", DeploymentTarget.MARATHON, "/dev/nope", "v",
                two.pinnedReference(), null, 1), "c", "e")).isEmpty();
    }
}
