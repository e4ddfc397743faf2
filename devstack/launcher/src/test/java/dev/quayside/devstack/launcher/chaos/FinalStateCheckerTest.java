package dev.quayside.devstack.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.devstack.launcher.chaos.FinalState.App;
import dev.quayside.devstack.launcher.chaos.FinalState.CatalogEntry;
import dev.quayside.devstack.launcher.chaos.FinalState.MarathonApp;
import dev.quayside.devstack.launcher.chaos.FinalState.Pin;
import dev.quayside.devstack.launcher.chaos.FinalState.Pushed;
import dev.quayside.devstack.launcher.chaos.FinalState.RegistryRepository;
import dev.quayside.devstack.launcher.chaos.FinalState.Task;
import dev.quayside.devstack.launcher.chaos.FinalStateChecker.Finding;
import dev.quayside.devstack.launcher.chaos.FinalStateChecker.Report;
import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildOutcome;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.Deployment;
import dev.quayside.events.DeploymentTarget;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.Person;
import dev.quayside.events.ServiceUpgraded;
import dev.quayside.events.TagUpdated;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The final-state checker on hand-made states: a consistent one passes, and each kind of inconsistency the chaos
 * harness must catch is reported as such, naming the commit or app it concerns.
 */
class FinalStateCheckerTest {

    static final String REGISTRY = "127.0.0.1:5000";
    static final String ENV = "chaos";
    static final String CONFIG_HEAD = "c0ffee0000000000000000000000000000000002";

    /** A consistent state of two apps, each pushed twice, both commits of each deployed: the fixture every test breaks. */
    final List<Pushed> pushed = new ArrayList<>();
    final List<EventEnvelope<?>> events = new ArrayList<>();
    final Map<String, App> apps = new LinkedHashMap<>();
    final Map<String, RegistryRepository> registry = new LinkedHashMap<>();
    final Map<String, String> tree = new LinkedHashMap<>();
    final Map<String, List<Pin>> history = new LinkedHashMap<>();
    Map<String, String> kv;
    final Map<String, MarathonApp> marathon = new LinkedHashMap<>();
    final Map<String, List<CatalogEntry>> catalog = new LinkedHashMap<>();
    final Map<String, List<String>> haproxy = new LinkedHashMap<>();
    final Map<String, List<String>> notifications = new LinkedHashMap<>();
    List<Long> haproxyMasters = List.of(4242L);
    int port = 32000;

    @BeforeEach
    void aConsistentState() {
        for (String app : List.of("alpha", "beta")) {
            apps.put(app, new App(app, definition(app), "/" + ENV + "/" + app, REGISTRY + "/" + app));
            registry.put(app, new RegistryRepository(new LinkedHashMap<>(), new LinkedHashSet<>()));
            history.put(definition(app), new ArrayList<>(List.of(new Pin("c0ffee0000000000000000000000000000000001",
                    REGISTRY + "/" + app + ":initial@sha256:base"))));
            String image = null;
            for (int i = 1; i <= 2; i++) {
                String commit = sha(app, i);
                pushed.add(new Pushed(app, "app", commit, Instant.now()));
                image = deliver(app, commit, i);
                history.get(definition(app)).add(new Pin("c0ffee" + i + app.charAt(0) + commit.substring(8), image));
            }
            tree.put(definition(app), definitionText(app, image));
            List<Integer> ports = List.of(port++);
            marathon.put("/" + ENV + "/" + app, new MarathonApp("/" + ENV + "/" + app, image, 1,
                    List.of(new Task(app + ".task", ports, true)), true, app, true,
                    List.of(REGISTRY + "/" + app + ":initial@sha256:base", imageOf(app, 1), image), false));
            catalog.put(app, new ArrayList<>(List.of(new CatalogEntry("host:" + app + ":8080", "127.0.0.1",
                    ports.get(0), true))));
            haproxy.put(app, new ArrayList<>(List.of("127.0.0.1:" + ports.get(0))));
        }
        tree.put("README.md", "the config repo\n");
        kv = new LinkedHashMap<>(tree);
        notifications.put("ops-hook", new ArrayList<>(List.of("event-1", "event-2")));
    }

    FinalState state() {
        return new FinalState(apps, pushed, events, registry,
                new FinalState.ConfigRepository(CONFIG_HEAD, tree, tree, history),
                new FinalState.KeyValues(CONFIG_HEAD, kv), marathon, Map.of(), catalog, haproxy, haproxyMasters,
                notifications);
    }

    @Test
    void aConsistentStatePasses() {
        Report report = FinalStateChecker.check(state());

        assertThat(report.findings()).isEmpty();
        assertThat(report.commitsSent()).isEqualTo(4);
        assertThat(report.chainsTerminal()).isEqualTo(4);
        assertThat(report.silent()).isZero();
        assertThat(report.lost()).isZero();
        assertThat(report.duplicatedTotal()).isZero();
    }

    @Test
    void aMissingKvKeyIsReported() {
        kv.remove(definition("beta"));

        Report report = FinalStateChecker.check(state());

        assertThat(report.findings()).contains(new Finding(4, "key-missing", definition("beta"),
                "in Git at c0ffee0, not in KV"));
        // what follows from it: Marathon runs an app KV no longer defines, and beta's newest commit is not live
        assertThat(kinds(report)).containsExactlyInAnyOrder("4 key-missing " + definition("beta"),
                "5 app-not-in-kv /chaos/beta");
        assertThat(report.lost()).isEqualTo(1);
    }

    @Test
    void aKvValueThatDiffersFromGitAndAStaleKeyAreReported() {
        kv.put(definition("alpha"), definitionText("alpha", imageOf("alpha", 1)));
        kv.put("marathon/chaos/gone.json", "{}");

        assertThat(kinds(FinalStateChecker.check(state()))).contains("4 value-differs " + definition("alpha"),
                "4 stale-key marathon/chaos/gone.json");
    }

    @Test
    void anOlderImagePinnedIsReportedWithItsCommitAndCountsAsLost() {
        String older = imageOf("alpha", 1);
        tree.put(definition("alpha"), definitionText("alpha", older));
        kv.put(definition("alpha"), definitionText("alpha", older));
        marathon.put("/chaos/alpha", withImage(marathon.get("/chaos/alpha"), older));

        Report report = FinalStateChecker.check(state());

        assertThat(report.findings()).extracting(Finding::kind, Finding::subject)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("older-image-pinned", "alpha@" + sha("alpha", 2)
                        .substring(0, 7)));
        assertThat(report.findings().get(0).detail()).contains("commit 1 of 2, not the newest");
        assertThat(report.lost()).isEqualTo(1);
    }

    @Test
    void aRollbackWrittenBackIsRolledBackNotLostAndItsRestoredPinIsNoRegression() {
        // alpha's newest commit failed its health check on an overloaded machine; marathon-applier rolled it back and
        // config-syncer wrote the rollback back: Git, KV and Marathon agree on commit 1's image — Git is what runs
        String older = imageOf("alpha", 1);
        tree.put(definition("alpha"), definitionText("alpha", older));
        kv.put(definition("alpha"), definitionText("alpha", older));
        marathon.put("/chaos/alpha", withImage(marathon.get("/chaos/alpha"), older));
        history.get(definition("alpha")).add(new Pin("c0ffee00000000000000000000000000000000b1", older, true));

        Report report = FinalStateChecker.check(state());

        assertThat(report.lost()).isZero();
        assertThat(report.rolledBack()).isEqualTo(1);
        assertThat(kinds(report)).containsExactly("3 rolled-back alpha@" + sha("alpha", 2).substring(0, 7));
        assertThat(report.duplicatedTotal()).isZero();

        // a rollback that KV or Marathon do not follow is still lost
        marathon.put("/chaos/alpha", withImage(marathon.get("/chaos/alpha"), imageOf("alpha", 2)));
        Report diverged = FinalStateChecker.check(state());
        assertThat(diverged.lost()).isEqualTo(1);
        assertThat(diverged.rolledBack()).isZero();
    }

    @Test
    void aDuplicateNotificationIsReported() {
        notifications.get("ops-hook").add("event-2");

        Report report = FinalStateChecker.check(state());

        assertThat(report.findings()).containsExactly(new Finding(6, "duplicate-notification", "ops-hook event-2",
                "sent 2 times"));
        assertThat(report.duplicated()).containsEntry("notification", 1);
    }

    @Test
    void aCommitBuiltTwiceIsReportedFromTheEventsAndFromTheRegistry() {
        String commit = sha("beta", 2);
        EventEnvelope<?> push = events.stream().filter(e -> e.data() instanceof CommitPushed c
                && c.after().equals(commit)).findFirst().orElseThrow();
        String tag = FinalStateChecker.tagOf(commit);
        // a second build after a crash: another digest, pushed over the tag, the first manifest left untagged
        events.add(push.next(imageBuilt("beta", commit, "sha256:rebuilt", false), "/test", Instant.now(), "rebuilt"));
        registry.get("beta").tags().put(tag, "sha256:rebuilt");
        registry.get("beta").manifests().add("sha256:rebuilt");

        Report report = FinalStateChecker.check(state());

        assertThat(kinds(report)).contains("2 duplicate-build beta@" + commit.substring(0, 7),
                "2 untagged-image beta");
        assertThat(report.duplicated()).containsEntry("build", 2);
    }

    @Test
    void aDuplicateWriteBackCommitIsReported() {
        // a redelivered image-built of commit 1 written back once more, after commit 2's image
        String image = imageOf("alpha", 1);
        history.get(definition("alpha")).add(new Pin("c0ffee00000000000000000000000000000000a1", image));

        Report report = FinalStateChecker.check(state());

        assertThat(kinds(report)).containsExactlyInAnyOrder("3 duplicate-write-back alpha " + image,
                "3 pin-regressed alpha@" + sha("alpha", 1).substring(0, 7));
        assertThat(report.duplicated()).containsEntry("write-back", 1);
    }

    @Test
    void aSilentChainIsReportedWithWhereItStopped() {
        String commit = sha("beta", 2);
        events.removeIf(e -> e.data() instanceof ServiceUpgraded u && u.deployment().image().equals(imageOf("beta", 2)));

        Report report = FinalStateChecker.check(state());

        assertThat(report.findings()).containsExactly(new Finding(1, "silent-chain", "beta@" + commit.substring(0, 7),
                "no terminal event; the chain stopped after config-synced"));
        assertThat(report.silent()).isEqualTo(1);
        assertThat(report.chainsTerminal()).isEqualTo(3);
        assertThat(report.stoppedAt()).containsEntry("config-synced", 1);
    }

    @Test
    void aCommitNobodyAnnouncedIsSilent() {
        pushed.add(new Pushed("beta", "app", sha("beta", 3), Instant.now()));

        Report report = FinalStateChecker.check(state());

        assertThat(kinds(report)).contains("1 silent-unannounced beta@" + sha("beta", 3).substring(0, 7),
                "3 older-image-pinned beta@" + sha("beta", 3).substring(0, 7));
        assertThat(report.lost()).isEqualTo(1);
    }

    @Test
    void twoTerminalEventsAreADoubledEffectButARedeliveryWithTheSameIdIsNot() {
        EventEnvelope<?> deployed = events.stream().filter(e -> e.data() instanceof ServiceUpgraded).findFirst()
                .orElseThrow();
        events.add(deployed); // redelivered: the same event id again
        Report redelivered = FinalStateChecker.check(state());
        assertThat(redelivered.findings()).isEmpty();
        assertThat(redelivered.redelivered()).isEqualTo(1);

        ServiceUpgraded again = new ServiceUpgraded(((ServiceUpgraded) deployed.data()).deployment(), true);
        events.add(EventEnvelope.of(again, "/test", "another-id", deployed.chainId(), Instant.now()));
        Report doubled = FinalStateChecker.check(state());
        assertThat(kinds(doubled)).containsExactly("1 duplicate-terminal alpha@" + sha("alpha", 1).substring(0, 7));
        assertThat(doubled.duplicated()).containsEntry("terminal-event", 1);
    }

    @Test
    void aConfigCommitSyncedOncePerAppEndsOnceAndOnlyASecondSyncIsDoubled() {
        CommitPushed data = new CommitPushed("deploy-config", "config", "file:///git/deploy-config.git",
                "refs/heads/main", CommitPushed.RefChange.BRANCH_UPDATED, sha("config", 0), CONFIG_HEAD, List.of(),
                new Person("t", "t@x", "t"), "d-config", "generic");
        EventEnvelope<CommitPushed> push = EventEnvelope.startChain(data, "/test", "push-config", Instant.now());
        pushed.add(new Pushed("deploy-config", "config", CONFIG_HEAD, Instant.now()));
        events.add(push);
        ConfigSynced whole = new ConfigSynced("deploy-config", "main", null, CONFIG_HEAD, List.of(), List.of(),
                List.of(), 1, false, List.of(), List.of(), ConfigSynced.Outcome.SYNCED, null);
        EventEnvelope<?> alpha = push.next(whole.forApp("alpha", List.of(definition("alpha")), List.of(),
                List.of(definition("alpha")), List.of(), List.of()), "/test", Instant.now(), "alpha");
        events.add(alpha);
        events.add(push.next(whole.forApp("beta", List.of(definition("beta")), List.of(),
                List.of(definition("beta")), List.of(), List.of()), "/test", Instant.now(), "beta"));
        events.add(push.next(whole.forApp(null, List.of("README.md"), List.of(), List.of("README.md"), List.of(),
                List.of()), "/test", Instant.now(), "rest"));
        events.add(alpha); // redelivered

        Report report = FinalStateChecker.check(state());
        assertThat(report.findings()).isEmpty();
        assertThat(report.chainsTerminal()).isEqualTo(5);
        assertThat(report.redelivered()).isEqualTo(1);

        ConfigSynced later = new ConfigSynced("deploy-config", "main", CONFIG_HEAD, "c0ffee0000000000000000000000000000000003",
                List.of(), List.of(), List.of(), 2, false, List.of(), List.of(), ConfigSynced.Outcome.SYNCED, null);
        events.add(push.next(later, "/test", Instant.now(), "later"));
        Report doubled = FinalStateChecker.check(state());
        assertThat(kinds(doubled)).containsExactly("1 duplicate-terminal deploy-config@c0ffee0");
        assertThat(doubled.duplicated()).containsEntry("terminal-event", 1);
    }

    @Test
    void aMarathonAppThatDiffersFromKvIsReported() {
        marathon.put("/chaos/beta", withImage(marathon.get("/chaos/beta"), imageOf("beta", 1)));
        marathon.put("/chaos/extra", new MarathonApp("/chaos/extra", "x", 0, List.of(), false, null, false, List.of(),
                false));

        Report report = FinalStateChecker.check(state());

        assertThat(kinds(report)).contains("5 image-differs /chaos/beta", "5 app-not-in-kv /chaos/extra");
        assertThat(report.lost()).isEqualTo(1);
    }

    @Test
    void unhealthyTasksStaleRegistrationsAndWrongRoutesAreReported() {
        MarathonApp alpha = marathon.get("/chaos/alpha");
        marathon.put("/chaos/alpha", new MarathonApp(alpha.id(), alpha.image(), 1, List.of(new Task("t",
                alpha.tasks().get(0).ports(), false)), true, "alpha", true, alpha.versionImages(), false));
        catalog.get("beta").add(new CatalogEntry("host:old:8080", "127.0.0.1", 31999, false));
        haproxy.put("beta", List.of("127.0.0.1:31999"));

        assertThat(kinds(FinalStateChecker.check(state()))).containsExactlyInAnyOrder("5 task-unhealthy /chaos/alpha",
                "5 stale-registration beta", "5 route-differs beta");
    }

    @Test
    void anHaproxyLeftBehindByAKilledEdgeRouterIsReported() {
        haproxyMasters = List.of(4242L, 5353L);

        assertThat(FinalStateChecker.check(state()).findings()).extracting(Finding::kind, Finding::subject)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("stale-haproxy", "edge-router"));
    }

    @Test
    void aDefinitionDeployedTwiceIsADoubledDeployment() {
        MarathonApp beta = marathon.get("/chaos/beta");
        List<String> versions = new ArrayList<>(beta.versionImages());
        versions.add(imageOf("beta", 1));
        versions.add(beta.image());
        marathon.put("/chaos/beta", new MarathonApp(beta.id(), beta.image(), 1, beta.tasks(), true, "beta", true,
                versions, false));

        Report report = FinalStateChecker.check(state());

        assertThat(kinds(report)).containsExactlyInAnyOrder("5 duplicate-deployment /chaos/beta",
                "5 duplicate-deployment /chaos/beta");
        assertThat(report.duplicated()).containsEntry("deployment", 2);
    }

    // ---- the fixture ----------------------------------------------------------------------------------------------

    /** One commit's chain as the pipeline publishes it; returns the image it pins. */
    String deliver(String app, String commit, int index) {
        CommitPushed data = new CommitPushed(app, "app", "file:///git/" + app + ".git", "refs/heads/main",
                CommitPushed.RefChange.BRANCH_UPDATED, index == 1 ? sha(app, 0) : sha(app, index - 1), commit,
                List.of(new CommitPushed.Commit(commit, "change " + index, new Person("t", "t@x", "t"), Instant.now(),
                        List.of(), List.of("version"), List.of())), new Person("t", "t@x", "t"), "d-" + commit, "generic");
        EventEnvelope<CommitPushed> push = EventEnvelope.startChain(data, "/test", "push-" + commit, Instant.now());
        events.add(push);
        String digest = "sha256:" + app + index;
        String image = imageOf(app, index);
        registry.get(app).tags().put(FinalStateChecker.tagOf(commit), digest);
        registry.get(app).manifests().add(digest);
        events.add(push.next(new BuildFinished("b-" + commit, app, app, commit, "main", BuildOutcome.SUCCESS, 10, null,
                List.of(), null), "/test", Instant.now(), "finished"));
        events.add(push.next(imageBuilt(app, commit, digest, false), "/test", Instant.now(), "built"));
        events.add(push.next(new TagUpdated(app, "deploy-config", "main", "w-" + commit, image, List.of(),
                TagUpdated.Outcome.UPDATED, null), "/test", Instant.now(), "tag"));
        events.add(push.next(new ConfigSynced("deploy-config", "main", null, "w-" + commit, List.of(), List.of(),
                List.of(), 1, false, List.of(), List.of(), ConfigSynced.Outcome.SYNCED, null), "/test", Instant.now(),
                "synced"));
        events.add(push.next(new ServiceUpgraded(new Deployment(app, ENV, DeploymentTarget.MARATHON, "/" + ENV + "/"
                + app, "v", image, "dep", 5), false), "/test", Instant.now(), "deployed"));
        return image;
    }

    static ImageBuilt imageBuilt(String app, String commit, String digest, boolean reused) {
        return new ImageBuilt(app, app, commit, "main", REGISTRY, app, FinalStateChecker.tagOf(commit), List.of(),
                digest, "pkg:oci/" + app, Map.of(), reused);
    }

    static String imageOf(String app, int index) {
        return REGISTRY + "/" + app + ":" + FinalStateChecker.tagOf(sha(app, index)) + "@sha256:" + app + index;
    }

    static String sha(String app, int index) {
        String seed = index + "-" + app;
        StringBuilder hex = new StringBuilder();
        for (char c : seed.toCharArray()) {
            hex.append(String.format("%02x", (int) c));
        }
        while (hex.length() < 40) {
            hex.append('0');
        }
        return hex.substring(0, 40);
    }

    static String definition(String app) {
        return "marathon/" + ENV + "/" + app + ".json";
    }

    static String definitionText(String app, String image) {
        return "{\n  \"id\": \"/" + ENV + "/" + app + "\",\n  \"instances\": 1,\n  \"container\": {\"type\": \"DOCKER\","
                + " \"docker\": {\"image\": \"" + image + "\"}}\n}\n";
    }

    static MarathonApp withImage(MarathonApp app, String image) {
        return new MarathonApp(app.id(), image, app.instances(), app.tasks(), app.healthChecked(), app.serviceName(),
                app.routed(), app.versionImages(), app.deploying());
    }

    static List<String> kinds(Report report) {
        return report.findings().stream().map(f -> f.property() + " " + f.kind() + " " + f.subject()).toList();
    }
}
