package dev.quayside.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One realistic envelope of every event type, all in one chain. */
final class SampleEvents {

    static final Instant T0 = Instant.parse("2026-11-27T10:15:30.123Z");
    static final String SHA = "9f3c1c4e2d3b4a5f6e7d8c9b0a1f2e3d4c5b6a79";
    static final String DIGEST = "sha256:" + "ab".repeat(32);

    private SampleEvents() {
    }

    static EventEnvelope<CommitPushed> commitPushed() {
        CommitPushed pushed = new CommitPushed("sample-app", "app", "file:///srv/git/sample-app.git", "refs/heads/main",
                CommitPushed.RefChange.BRANCH_UPDATED, CommitPushed.ZERO_SHA.replace('0', '1'), SHA,
                List.of(new CommitPushed.Commit(SHA, "Serve version 2", new Person("Ada", "ada@example.org", "ada"),
                        T0, List.of("www/new"), List.of("www/version"), List.of())),
                new Person("Ada", "ada@example.org", "ada"), "delivery-1", "github");
        return EventEnvelope.startChain(pushed, "/quayside/git-watcher",
                EventIds.of(EventType.COMMIT_PUSHED, "sample-app", "refs/heads/main", SHA), T0);
    }

    static List<EventEnvelope<?>> all() {
        EventEnvelope<CommitPushed> root = commitPushed();
        String build = "sample-app-" + SHA.substring(0, 12);
        String purl = Purl.oci("127.0.0.1:5000", "sample-app", DIGEST, SHA.substring(0, 7));
        Deployment deployment = new Deployment("sample-app", "staging", DeploymentTarget.MARATHON, "/staging/sample-app",
                "2026-11-27T10:16:00.000Z", "127.0.0.1:5000/sample-app:9f3c1c4@" + DIGEST, "dep-1", 4200);
        Container container = new Container("host1:sample-app.1:8080", "sample-app", "host1", "c0ffee", "sample-app.1",
                "127.0.0.1:5000/sample-app:9f3c1c4", "127.0.0.1", 31000, List.of("v2"), Map.of("version", "2"),
                "/staging/sample-app", "sample-app.1", SHA);
        String source = "/quayside/test";
        return List.of(
                root,
                root.next(new BuildQueued(build, "sample-app", "sample-app", SHA, "main"), source, T0, build, "queued"),
                root.next(new BuildStarted(build, "sample-app", "sample-app", SHA, "main"), source, T0, build, "started"),
                root.next(new BuildFinished(build, "sample-app", "sample-app", SHA, "main", BuildOutcome.SUCCESS, 3100,
                        null, List.of("Step 1/5 : FROM scratch"), purl), source, T0, build, "finished"),
                root.next(new ImageBuilt("sample-app", "sample-app", SHA, "main", "127.0.0.1:5000", "sample-app",
                        SHA.substring(0, 7), List.of("main"), DIGEST, purl, Map.of("org.opencontainers.image.revision", SHA),
                        false), source, T0, build),
                root.next(new TagUpdated("sample-app", "deploy-config", "main", SHA, "127.0.0.1:5000/sample-app:9f3c1c4@" + DIGEST,
                        List.of(new TagUpdated.FileChange("marathon/staging/sample-app.json", "staging",
                                "127.0.0.1:5000/sample-app:1111111", "127.0.0.1:5000/sample-app:9f3c1c4@" + DIGEST)),
                        TagUpdated.Outcome.UPDATED, null), source, T0, build),
                root.next(new Promoted("sample-app", "deploy-config", "main", "staging", "prod",
                        "127.0.0.1:5000/sample-app:9f3c1c4@" + DIGEST, "2".repeat(40), "sample-app@" + SHA,
                        List.of("marathon/prod/sample-app.json"), "00000000-0000-3000-8000-000000000000"), source, T0,
                        "promoted"),
                root.next(new PromotionFailed("sample-app", "deploy-config", "main", "staging", "qa",
                        "127.0.0.1:5000/sample-app:9f3c1c4@" + DIGEST, PromotionFailed.Reason.SUSPENDED,
                        "sample-app is suspended in qa"), source, T0, "promotion-failed"),
                root.next(new PromotionWaiting("sample-app", "deploy-config", "main", "staging", "prod",
                        "127.0.0.1:5000/sample-app:9f3c1c4@" + DIGEST, List.of(PromotionWaiting.SOAK,
                        PromotionWaiting.APPROVAL), "2026-11-27T10:26:00Z", true, "2026-11-27T10:16:00Z"), source, T0,
                        "promotion-waiting"),
                root.next(new PromotionRequested("sample-app", "deploy-config", "main", "staging", "prod",
                        "127.0.0.1:5000/sample-app:9f3c1c4@" + DIGEST, List.of(PromotionWaiting.SOAK,
                        PromotionWaiting.APPROVAL), "2026-11-27T10:16:00Z"), source, T0, "promotion-requested"),
                root.next(new PromotionApproved("sample-app", "deploy-config", "main", "staging", "prod",
                        "127.0.0.1:5000/sample-app:9f3c1c4@" + DIGEST, "ada", List.of(PromotionWaiting.WINDOW),
                        "2026-11-27T10:16:00Z"), source, T0, "promotion-approved"),
                root.next(new ConfigSynced("deploy-config", "main", null, SHA, List.of("quayside/config/deploy-config/main/marathon/staging/sample-app.json"),
                        List.of(), List.of("marathon/staging/sample-app.json"), 42, true, List.of(), List.of(),
                        ConfigSynced.Outcome.SYNCED, null), source, T0, SHA),
                root.next(new ConfigSynced("deploy-config", "main", null, SHA, List.of("quayside/config/deploy-config/main/marathon/staging/sample-app.json"),
                        List.of(), List.of("marathon/staging/sample-app.json"), 42, false, List.of(), List.of(),
                        ConfigSynced.Outcome.SYNCED, null, "sample-app"), source, T0, SHA, "app", "sample-app"),
                root.next(new ServiceDeployed(deployment), source, T0, "d"),
                root.next(new ServiceUpgraded(deployment, false), source, T0, "u"),
                root.next(new ServiceRolledBack(deployment, "2026-11-27T10:00:00.000Z", "health checks failed",
                        "deploy-config", "main", "marathon/staging/sample-app.json", SHA, "1".repeat(40),
                        "health check HTTP /health (port index 0) did not pass: HTTP 500"), source, T0, "r"),
                root.next(new ServiceRemoved(deployment), source, T0, "x"),
                root.next(new DeploymentFailed(deployment, DeploymentFailed.Reason.HEALTH_CHECK, "task unhealthy",
                        "marathon/staging/sample-app.json", null), source, T0, "f"),
                root.next(new ContainerStarted(container), source, T0, "cs"),
                root.next(new ContainerStopped(container, 0), source, T0, "cx"),
                root.next(new RoutesUpdated("edge-1", List.of(new RoutesUpdated.Route("sample-app", "sample.local", null,
                        List.of("127.0.0.1:31000"))), "cafe", RoutesUpdated.Outcome.RELOADED, null), source, T0, "cafe"));
    }
}
