package dev.quayside.imagebuilder;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.quayside.devstack.docker.DockerEngine;
import dev.quayside.devstack.docker.LocalRegistry;
import dev.quayside.devstack.docker.SampleApp;
import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildOutcome;
import dev.quayside.events.BuildQueued;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.Purl;
import dev.quayside.imagebuilder.support.Commits;
import dev.quayside.imagebuilder.support.GitReposResource;
import dev.quayside.imagebuilder.support.KafkaProbedTest;
import dev.quayside.imagebuilder.support.RestartableRegistryResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service end to end on real parts: a real Kafka broker, real Git repositories, the real Docker engine and a real
 * registry. Each test uses its own repository (and so its own image name).
 */
@QuarkusTest
@QuarkusTestResource(value = RestartableRegistryResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GitReposResource.class, restrictToAnnotatedClass = true)
class ImageBuilderTest extends KafkaProbedTest {

    private static final Duration BUILD = Duration.ofSeconds(120);

    private static DockerClient docker;
    private static Path repos;
    private static String figures = "";

    @Inject
    MeterRegistry meters;

    @BeforeAll
    static void start() throws IOException {
        docker = DockerEngine.requireRunning();
        repos = GitReposResource.dir();
    }

    @AfterAll
    static void stop() throws Exception {
        System.out.println("image-builder overhead figures from this run (not assertions):\n" + figures);
    }

    @AfterEach
    void recordFigures() {
        StringBuilder lines = new StringBuilder();
        for (String name : List.of("quayside.image-builder.overhead.start", "quayside.image-builder.lookup.wait",
                "quayside.image-builder.queue.wait",
                "quayside.image-builder.prepare", "quayside.image-builder.overhead.publish",
                "quayside.image-builder.skip.latency", "quayside.image-builder.git.fetch")) {
            Timer timer = meters.find(name).timer();
            if (timer != null) {
                lines.append(String.format("  %s: count %d, mean %.1f ms, max %.1f ms%n", name, timer.count(),
                        timer.mean(TimeUnit.MILLISECONDS), timer.max(TimeUnit.MILLISECONDS)));
            }
        }
        figures = lines.toString();
    }

    @Test
    void aPushedCommitIsBuiltTaggedPushedAndCanBePulledBackByDigest() throws Exception {
        Commits repo = Commits.sampleApp(repos, "sample-app", "1.0.0");
        repo.write(".dockerignore", ".git\nwww/secret.txt\n").write("www/secret.txt", "not for the image\n");
        String commit = repo.commit("add a file the image must not contain");
        EventEnvelope<CommitPushed> event = repo.pushed(commit);

        kafka.send(event);

        BuildFinished finished = awaitFinished(repo, commit);
        assertThat(finished.outcome()).as(finished.reason() + "\n" + String.join("\n", finished.logTail()))
                .isEqualTo(BuildOutcome.SUCCESS);
        String tag = commit.substring(0, 12);
        LocalRegistry registry = RestartableRegistryResource.registry();
        String digest = registry.digest(repo.name(), tag).orElseThrow();
        assertThat(registry.digest(repo.name(), "main")).contains(digest);
        assertThat(registry.digest(repo.name(), "latest")).contains(digest);

        ImageBuilt built = single(kafka.imagesBuilt(repo.name(), commit)).data();
        assertThat(built.digest()).isEqualTo(digest);
        assertThat(built.registry()).isEqualTo(registry.address());
        assertThat(built.tag()).isEqualTo(tag);
        assertThat(built.extraTags()).containsExactly("main", "latest");
        assertThat(built.reused()).isFalse();
        assertThat(built.artifactId()).isEqualTo(Purl.oci(registry.address(), repo.name(), digest, tag))
                .startsWith("pkg:oci/" + repo.name() + "@sha256%3A");
        assertThat(built.labels()).containsEntry("org.opencontainers.image.revision", commit)
                .containsKey("org.opencontainers.image.created");
        assertThat(finished.artifactId()).isEqualTo(built.artifactId());
        assertThat(single(kafka.imagesBuilt(repo.name(), commit)).chainId()).isEqualTo(event.id());

        String buildId = finished.buildId();
        assertThat(kafka.started(buildId)).hasSize(1);
        assertThat(kafka.queued(repo.name())).extracting(e -> e.data().buildId()).containsExactly(buildId);
        List<String> log = awaitLog(buildId, finished);
        assertThat(log).anyMatch(l -> l.contains("Step 1/")).anyMatch(l -> l.startsWith("pushed "));
        assertThat(finished.logTail()).as("the last 50 lines of the streamed log").hasSize(Math.min(50, log.size()));
        given().get("/builds/" + buildId).then().statusCode(200).body("outcome", equalTo("success"))
                .body("state", equalTo("finished")).body("artifactId", equalTo(built.artifactId()));
        given().get("/builds/no-such-build").then().statusCode(404);

        String image = registry.address() + "/" + repo.name();
        assertThatThrownBy(() -> docker.inspectImageCmd(image + ":" + tag).exec())
                .as("the local tag is removed after the push (quayside.builder.remove-after-push)")
                .isInstanceOf(NotFoundException.class);
        docker.pullImageCmd(image + "@" + digest).exec(new PullImageResultCallback()).awaitCompletion(2, TimeUnit.MINUTES);
        String container = null;
        try {
            var pulled = docker.inspectImageCmd(image + "@" + digest).exec();
            assertThat(pulled.getConfig().getLabels())
                    .containsEntry("org.opencontainers.image.revision", commit)
                    .containsEntry("org.opencontainers.image.version", tag)
                    .containsEntry("org.opencontainers.image.source", repo.work().resolveSibling(repo.name() + ".git")
                            .toString());
            container = docker.createContainerCmd(image + "@" + digest).exec().getId();
            try (var version = docker.copyArchiveFromContainerCmd(container, "/www/version").exec()) {
                assertThat(version.readAllBytes()).isNotEmpty();
            }
            String id = container;
            assertThatThrownBy(() -> docker.copyArchiveFromContainerCmd(id, "/www/secret.txt").exec().close())
                    .as(".dockerignore keeps www/secret.txt out of the context").isInstanceOf(NotFoundException.class);
        } finally {
            if (container != null) {
                docker.removeContainerCmd(container).withForce(true).exec();
            }
            docker.removeImageCmd(image + "@" + digest).withForce(true).exec();
        }
    }

    @Test
    void aSymlinkLeavingTheRepositoryFailsTheBuildNamingTheLinkAndNothingOfTheHostIsPushed() {
        Commits repo = Commits.sampleApp(repos, "leak", "1.0.0");
        repo.link("www/leak", "/etc");
        String absolute = repo.commit("a link to the build host's /etc");
        BuildFinished finished = build(repo, absolute);
        assertThat(finished.outcome()).as(finished.reason()).isEqualTo(BuildOutcome.FAILURE);
        assertThat(finished.reason()).isEqualTo("symbolic link www/leak -> /etc points outside the repository: "
                + "a build may only read the commit's own files");
        assertThat(kafka.started(finished.buildId())).as("no docker build started").isEmpty();
        assertThat(kafka.imagesBuilt(repo.name(), absolute)).isEmpty();
        assertThat(RestartableRegistryResource.registry().digest(repo.name(), absolute.substring(0, 12))).isEmpty();

        SampleApp.git(repo.work(), "rm", "-q", "www/leak");
        repo.link("www/up", "..").link("www/escape", "up/..");
        String chained = repo.commit("links that only escape when followed one through the other");
        BuildFinished viaChain = build(repo, chained);
        assertThat(viaChain.outcome()).as(viaChain.reason()).isEqualTo(BuildOutcome.FAILURE);
        assertThat(viaChain.reason()).startsWith("symbolic link www/escape -> up/.. points outside the repository");
        assertThat(kafka.imagesBuilt(repo.name(), chained)).isEmpty();
    }

    @Test
    void aSymlinkInsideTheRepositoryIsPackedAsALinkNotAsTheFilesItPointsTo() throws Exception {
        Commits repo = Commits.sampleApp(repos, "inner-link", "1.0.0");
        repo.link("www/current", ".").link("www/index-copy", "version");
        String commit = repo.commit("links that stay inside the repository");
        BuildFinished finished = build(repo, commit);
        assertThat(finished.outcome()).as(finished.reason() + "\n" + String.join("\n", finished.logTail()))
                .isEqualTo(BuildOutcome.SUCCESS);
        String image = RestartableRegistryResource.registry().address() + "/" + repo.name();
        String digest = RestartableRegistryResource.registry().digest(repo.name(), commit.substring(0, 12)).orElseThrow();
        docker.pullImageCmd(image + "@" + digest).exec(new PullImageResultCallback()).awaitCompletion(2, TimeUnit.MINUTES);
        String container = docker.createContainerCmd(image + "@" + digest).exec().getId();
        try {
            assertThat(entry(container, "/www/current").isSymbolicLink()).as("www/current stays a link").isTrue();
            assertThat(entry(container, "/www/current").getLinkName()).isEqualTo(".");
            assertThat(entry(container, "/www/index-copy").getLinkName()).isEqualTo("version");
        } finally {
            docker.removeContainerCmd(container).withForce(true).exec();
            docker.removeImageCmd(image + "@" + digest).withForce(true).exec();
        }
    }

    /** The first tar entry of {@code path} copied out of {@code container} (a link is copied as a link). */
    private static TarArchiveEntry entry(String container, String path) throws IOException {
        try (var tar = new TarArchiveInputStream(docker.copyArchiveFromContainerCmd(container, path).exec())) {
            return tar.getNextEntry();
        }
    }

    @Test
    void aRedeliveredEventNeverBuildsTwice() throws InterruptedException {
        Commits repo = Commits.sampleApp(repos, "redelivered", "1.0.0");
        EventEnvelope<CommitPushed> event = repo.pushed(repo.head());
        kafka.send(event);
        BuildFinished first = awaitFinished(repo, repo.head());
        assertThat(first.outcome()).as(first.reason()).isEqualTo(BuildOutcome.SUCCESS);

        // the same record again (a restart or rebalance): its outcome was announced, so nothing more is
        var again = kafka.sendAt(event);
        await().atMost(BUILD).until(() -> kafka.committed(again.partition()) > again.offset());
        Thread.sleep(2000); // the probe reads whatever else was published for it
        assertThat(kafka.finished(repo.name(), repo.head())).hasSize(1);
        assertThat(kafka.imagesBuilt(repo.name(), repo.head())).hasSize(1);

        // another push of the same commit (a new event): answered from the registry, never built again
        kafka.send(repo.pushed(repo.head()));
        await().atMost(BUILD).until(() -> kafka.finished(repo.name(), repo.head()).size() == 2);
        BuildFinished second = kafka.finished(repo.name(), repo.head()).get(1);
        assertThat(second.outcome()).isEqualTo(BuildOutcome.SKIPPED);
        assertThat(second.buildId()).isEqualTo(first.buildId());
        assertThat(kafka.started(first.buildId())).as("one docker build only").hasSize(1);
        List<EventEnvelope<ImageBuilt>> images = kafka.imagesBuilt(repo.name(), repo.head());
        assertThat(images).hasSize(2);
        assertThat(images.get(1).data().reused()).isTrue();
        assertThat(images.get(1).data().digest()).isEqualTo(images.get(0).data().digest());
        assertThat(awaitLog(first.buildId(), second)).anyMatch(l -> l.contains("already in the registry"));
    }

    @Test
    void aBrokenDockerfileEndsAsFailureWithTheLog() {
        Commits repo = Commits.sampleApp(repos, "broken", "1.0.0");
        repo.write("Dockerfile", "FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"false\"]\n");
        String failing = repo.commit("a RUN step that fails");
        BuildFinished finished = build(repo, failing);
        assertThat(finished.outcome()).isEqualTo(BuildOutcome.FAILURE);
        assertThat(finished.reason()).contains("non-zero code");
        assertThat(finished.logTail()).anyMatch(l -> l.contains("RUN [\"/bin/busybox\", \"false\"]"))
                .anyMatch(l -> l.startsWith("build failed: "));

        repo.write("Dockerfile", "FROOM scratch\n");
        String unparsable = repo.commit("an unknown instruction");
        BuildFinished parse = build(repo, unparsable);
        assertThat(parse.outcome()).isEqualTo(BuildOutcome.FAILURE);
        assertThat(parse.reason()).containsIgnoringCase("froom");
        assertThat(kafka.imagesBuilt(repo.name(), failing)).isEmpty();
        assertThat(kafka.imagesBuilt(repo.name(), unparsable)).isEmpty();
        assertThat(kafka.deadLettered()).as("a failed build is an announced outcome, not a dead letter")
                .noneMatch(r -> repo.name().equals(r.key()));
    }

    @Test
    void anInvalidSettingsFileEndsAsFailureSayingWhatIsWrong() {
        Commits repo = Commits.sampleApp(repos, "settings", "1.0.0");
        repo.write(".quayside.yml", "image: sample\ndockerfiel: Dockerfile\n");
        String unknownKey = repo.commit("a misspelt key");
        BuildFinished finished = build(repo, unknownKey);
        assertThat(finished.outcome()).isEqualTo(BuildOutcome.FAILURE);
        assertThat(finished.reason()).isEqualTo(".quayside.yml: unknown key 'dockerfiel' (allowed: image, context, "
                + "dockerfile, target, buildArgs, tags, buildTags, timeout)");
        assertThat(kafka.started(finished.buildId())).isEmpty();

        repo.write(".quayside.yml", "dockerfile: docker/Dockerfile.prod\n");
        String missing = repo.commit("a Dockerfile that is not there");
        BuildFinished noDockerfile = build(repo, missing);
        assertThat(noDockerfile.outcome()).isEqualTo(BuildOutcome.FAILURE);
        assertThat(noDockerfile.reason()).isEqualTo("Dockerfile 'docker/Dockerfile.prod' not found in context '.' at "
                + missing);
    }

    @Test
    void anOlderQueuedCommitIsSupersededByANewerOne() {
        Commits blocker = Commits.sampleApp(repos, "blocker", "1.0.0");
        blocker.write("Dockerfile", "FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"sleep\", \"4\"]\n");
        String slow = blocker.commit("a slow build that holds the only build slot (quayside.builder.concurrency=1)");
        Commits repo = Commits.sampleApp(repos, "superseded", "1.0.0");
        String older = repo.commitVersion("1.1.0");
        String newer = repo.commitVersion("1.2.0");

        kafka.send(blocker.pushed(slow));
        await().atMost(BUILD).until(() -> kafka.queued(blocker.name()).stream()
                .anyMatch(q -> !kafka.started(q.data().buildId()).isEmpty()));
        kafka.send(repo.pushed(older));
        kafka.send(repo.pushed(newer));

        BuildFinished newest = awaitFinished(repo, newer);
        assertThat(newest.outcome()).as(newest.reason()).isEqualTo(BuildOutcome.SUCCESS);
        BuildFinished superseded = single(kafka.finished(repo.name(), older));
        assertThat(superseded.outcome()).isEqualTo(BuildOutcome.SUPERSEDED);
        assertThat(superseded.reason()).isEqualTo("superseded by " + newer + " on main");
        assertThat(kafka.started(superseded.buildId())).as("never built").isEmpty();
        assertThat(kafka.imagesBuilt(repo.name(), older)).isEmpty();
        assertThat(awaitFinished(blocker, slow).outcome()).isEqualTo(BuildOutcome.SUCCESS);
    }

    @Test
    void aCommitWhoseImageExistsIsAnsweredWhileTheBuildSlotIsBusyAndSupersedesAnOlderOneWaitingForIt() {
        Commits repo = Commits.sampleApp(repos, "look-up", "1.0.0");
        String older = repo.commitVersion("1.1.0");
        String newer = repo.commitVersion("1.2.0");
        BuildFinished first = build(repo, newer);
        assertThat(first.outcome()).as(first.reason()).isEqualTo(BuildOutcome.SUCCESS);
        Commits blocker = Commits.sampleApp(repos, "slot-holder", "1.0.0");
        blocker.write("Dockerfile", "FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"sleep\", \"20\"]\n");
        String slow = blocker.commit("a slow build that holds the only build slot (quayside.builder.concurrency=1)");
        kafka.send(blocker.pushed(slow));
        await().atMost(BUILD).until(() -> kafka.queued(blocker.name()).stream()
                .anyMatch(q -> !kafka.started(q.data().buildId()).isEmpty()));
        String slot = kafka.queued(blocker.name()).get(0).data().buildId();

        kafka.send(repo.pushed(older)); // its image is missing: it needs the busy build slot
        await().atMost(BUILD).until(() -> kafka.queued(repo.name()).stream()
                .anyMatch(q -> q.data().commit().equals(older)));
        kafka.send(repo.pushed(newer)); // its image exists: answered by the look-up lane

        await().atMost(BUILD).until(() -> kafka.imagesBuilt(repo.name(), newer).size() == 2);
        given().get("/builds/" + slot).then().statusCode(200).body("state", equalTo("running"));
        assertThat(kafka.finished(blocker.name(), slow)).as("the slow build still holds the slot").isEmpty();
        ImageBuilt reused = kafka.imagesBuilt(repo.name(), newer).get(1).data();
        assertThat(reused.reused()).isTrue();
        assertThat(reused.digest()).isEqualTo(kafka.imagesBuilt(repo.name(), newer).get(0).data().digest());
        await().atMost(Duration.ofSeconds(30)).until(() -> kafka.finished(repo.name(), newer).size() == 2);
        assertThat(kafka.finished(repo.name(), newer)).extracting(BuildFinished::outcome)
                .containsExactly(BuildOutcome.SUCCESS, BuildOutcome.SKIPPED);

        await().atMost(BUILD).until(() -> !kafka.finished(repo.name(), older).isEmpty());
        BuildFinished superseded = single(kafka.finished(repo.name(), older));
        assertThat(superseded.outcome()).isEqualTo(BuildOutcome.SUPERSEDED);
        assertThat(superseded.reason()).isEqualTo("superseded by " + newer + " on main");
        assertThat(awaitFinished(blocker, slow).outcome()).isEqualTo(BuildOutcome.SUCCESS);
        assertThat(kafka.started(superseded.buildId())).as("never built").isEmpty();
        assertThat(kafka.imagesBuilt(repo.name(), older)).isEmpty();
    }

    @Test
    void aBuildOverItsTimeoutIsStoppedAndEndsAsTimedOut() {
        Commits repo = Commits.sampleApp(repos, "slow", "1.0.0");
        repo.write(".quayside.yml", "timeout: 6s\n");
        repo.write("Dockerfile", "FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"sleep\", \"67\"]\n");
        String commit = repo.commit("a build that sleeps past its 6s timeout");
        kafka.send(repo.pushed(commit));

        BuildFinished finished = awaitFinished(repo, commit);
        assertThat(finished.outcome()).as(finished.reason()).isEqualTo(BuildOutcome.TIMED_OUT);
        assertThat(finished.reason()).isEqualTo("build exceeded its timeout of PT6S and was stopped");
        assertThat(finished.durationMs()).isBetween(6_000L, 30_000L);
        assertThat(kafka.imagesBuilt(repo.name(), commit)).isEmpty();
        String runContainer = awaitLog(finished.buildId(), finished).stream().filter(l -> l.contains("Running in "))
                .map(l -> l.substring(l.indexOf("Running in ") + "Running in ".length()).trim()).findFirst()
                .orElseThrow(() -> new AssertionError("the RUN step never started: " + finished.logTail()));
        await().atMost(Duration.ofSeconds(30)).alias("the engine stops and removes the build's RUN container")
                .until(() -> {
                    try {
                        docker.inspectContainerCmd(runContainer).exec();
                        return false;
                    } catch (NotFoundException gone) {
                        return true;
                    }
                });
    }

    @Test
    void aRegistryOutageIsRetriedUntilTheRegistryIsBack() {
        Commits repo = Commits.sampleApp(repos, "outage", "1.0.0");
        RestartableRegistryResource.stopRegistry();
        try {
            kafka.send(repo.pushed(repo.head()));
            await().atMost(BUILD).until(() -> kafka.queued(repo.name()).size() == 1
                    && kafka.logLines(kafka.queued(repo.name()).get(0).data().buildId()).stream()
                            .anyMatch(l -> l.contains("failed (attempt 2)") && l.contains("unreachable")));
        } finally {
            RestartableRegistryResource.restart();
        }
        BuildFinished finished = awaitFinished(repo, repo.head());
        assertThat(finished.outcome()).as(finished.reason()).isEqualTo(BuildOutcome.SUCCESS);
        assertThat(single(kafka.imagesBuilt(repo.name(), repo.head())).data().digest())
                .isEqualTo(RestartableRegistryResource.registry().digest(repo.name(), repo.head().substring(0, 12))
                        .orElseThrow());
    }

    @Test
    void eventsThatAreNotAppBranchPushesAreIgnoredAndMalformedOnesDeadLettered() {
        Commits repo = Commits.sampleApp(repos, "ignored", "1.0.0");
        String url = repo.work().resolveSibling(repo.name() + ".git").toString();
        kafka.send(repo.pushed(repo.head(), "config", "refs/heads/main", url));
        kafka.send(repo.pushed(repo.head(), "app", "refs/tags/v1", url));
        kafka.send(repo.pushed(CommitPushed.ZERO_SHA, "app", "refs/heads/main", url));
        byte[] garbage = "not a cloud event".getBytes(StandardCharsets.UTF_8);
        kafka.sendRaw(repo.name(), garbage);

        await().atMost(Duration.ofSeconds(60)).until(() -> kafka.deadLettered().stream()
                .anyMatch(r -> repo.name().equals(r.key())));
        assertThat(kafka.deadLettered().stream().filter(r -> repo.name().equals(r.key())).findFirst().orElseThrow()
                .value()).isEqualTo(garbage);
        assertThat(kafka.events(BuildQueued.class)).noneMatch(q -> q.data().repository().equals(repo.name()));
    }

    @Test
    void tagPushesMatchingTheBuildTagsAreBuiltAndTaggedWithTheTagName() {
        Commits repo = Commits.sampleApp(repos, "tagged", "1.0.0");
        repo.write(".quayside.yml", "buildTags: [\"v*\"]\n");
        String release = repo.commit("release tags are built");
        repo.tag("v1.2.0", null);
        kafka.send(repo.pushed(release, "refs/tags/v1.2.0"));
        BuildFinished finished = awaitFinished(repo, release);
        assertThat(finished.outcome()).as(finished.reason() + "\n" + String.join("\n", finished.logTail()))
                .isEqualTo(BuildOutcome.SUCCESS);
        ImageBuilt built = single(kafka.imagesBuilt(repo.name(), release)).data();
        assertThat(built.branch()).as("the full ref").isEqualTo("refs/tags/v1.2.0");
        assertThat(built.extraTags()).containsExactly("v1.2.0");
        LocalRegistry registry = RestartableRegistryResource.registry();
        assertThat(registry.digest(repo.name(), "v1.2.0")).contains(built.digest());
        assertThat(registry.digest(repo.name(), release.substring(0, 12))).contains(built.digest());
        assertThat(registry.digest(repo.name(), "latest")).as("a tag build moves no branch tag").isEmpty();

        // an annotated tag on a commit whose image exists: no build, the existing image gets the tag's name
        String tagObject = repo.tag("v1.2.1", "patch release");
        assertThat(tagObject).isNotEqualTo(release);
        kafka.send(repo.pushed(tagObject, "refs/tags/v1.2.1"));
        BuildFinished reused = awaitFinished(repo, tagObject);
        assertThat(reused.outcome()).as(reused.reason()).isEqualTo(BuildOutcome.SKIPPED);
        ImageBuilt retagged = single(kafka.imagesBuilt(repo.name(), release).stream()
                .filter(e -> e.data().branch().equals("refs/tags/v1.2.1")).toList()).data();
        assertThat(retagged.digest()).isEqualTo(built.digest());
        assertThat(retagged.reused()).isTrue();
        assertThat(registry.digest(repo.name(), "v1.2.1")).contains(built.digest());

        // a branch whose short name looks like a release tag is still a branch
        String branchCommit = repo.commitVersion("1.3.0");
        repo.branch("v9.9.9");
        kafka.send(repo.pushed(branchCommit, "refs/heads/v9.9.9"));
        BuildFinished branchBuild = awaitFinished(repo, branchCommit);
        assertThat(branchBuild.outcome()).as(branchBuild.reason()).isEqualTo(BuildOutcome.SUCCESS);
        ImageBuilt onBranch = single(kafka.imagesBuilt(repo.name(), branchCommit)).data();
        assertThat(onBranch.branch()).isEqualTo("refs/heads/v9.9.9");
        assertThat(onBranch.extraTags()).containsExactly("v9.9.9");

        // a tag matching no pattern is not built, and not announced at all
        double before = ignored("tag-not-built");
        repo.tag("nightly-1", null);
        kafka.send(repo.pushed(branchCommit, "refs/tags/nightly-1"));
        await().atMost(BUILD).until(() -> ignored("tag-not-built") > before);
        assertThat(kafka.queued(repo.name())).noneMatch(q -> q.data().branch().equals("nightly-1"));
        assertThat(registry.digest(repo.name(), "nightly-1")).isEmpty();
    }

    private double ignored(String reason) {
        var counter = meters.find("quayside.image-builder.events.ignored").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Sends the push of {@code commit} and waits for its first {@code BuildFinished}. */
    private static BuildFinished build(Commits repo, String commit) {
        kafka.send(repo.pushed(commit));
        return awaitFinished(repo, commit);
    }

    /** The streamed log of a build once it holds the lines {@code finished} ended with (another topic: may lag). */
    private static List<String> awaitLog(String buildId, BuildFinished finished) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<String> lines = kafka.logLines(buildId);
            return lines.size() >= finished.logTail().size()
                    && lines.subList(lines.size() - finished.logTail().size(), lines.size()).equals(finished.logTail());
        });
        return kafka.logLines(buildId);
    }

    private static BuildFinished awaitFinished(Commits repo, String commit) {
        await().atMost(BUILD).pollInterval(Duration.ofMillis(100))
                .until(() -> !kafka.finished(repo.name(), commit).isEmpty());
        return kafka.finished(repo.name(), commit).get(0);
    }

    private static <T> T single(List<T> items) {
        assertThat(items).hasSize(1);
        return items.get(0);
    }
}
