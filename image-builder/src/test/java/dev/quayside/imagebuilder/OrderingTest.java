package dev.quayside.imagebuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.docker.DockerEngine;
import dev.quayside.devstack.docker.LocalRegistry;
import dev.quayside.devstack.docker.SampleApp;
import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildOutcome;
import dev.quayside.events.ImageBuilt;
import dev.quayside.imagebuilder.service.CommitPushedHandler;
import dev.quayside.imagebuilder.support.Commits;
import dev.quayside.imagebuilder.support.GitReposResource;
import dev.quayside.imagebuilder.support.KafkaProbedTest;
import dev.quayside.imagebuilder.support.RestartableRegistryResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Order by ancestry, not arrival: with two build slots, a slow build of an older commit ends after a fast build of
 * its descendant was announced, and must not announce its image over the newer one (issue #21, item 1).
 */
@QuarkusTest
@TestProfile(OrderingTest.TwoSlots.class)
@QuarkusTestResource(value = RestartableRegistryResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GitReposResource.class, restrictToAnnotatedClass = true)
class OrderingTest extends KafkaProbedTest {

    private static final Duration BUILD = Duration.ofSeconds(120);

    /** Two build slots, so that an older and a newer commit of one branch build at once. */
    public static class TwoSlots implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quayside.builder.concurrency", "2");
        }
    }

    @Inject
    CommitPushedHandler handler;

    @BeforeAll
    static void start() {
        DockerEngine.requireRunning();
    }

    @Test
    void aSlowOlderBuildThatEndsAfterItsDescendantWasAnnouncedIsSupersededAndAnnouncesNothing() {
        Commits repo = Commits.sampleApp(GitReposResource.dir(), "ordering", "1.0.0");
        // a file of this run's own, so that the engine's layer cache cannot skip the slow step
        repo.write("www/run", repo.name() + "\n").write("Dockerfile", "FROM scratch\nCOPY busybox /bin/busybox\n"
                + "COPY www /www\nRUN [\"/bin/busybox\", \"sleep\", \"20\"]\n");
        String older = repo.commit("a slow build");
        repo.write("Dockerfile", "FROM scratch\nCOPY busybox /bin/busybox\nCOPY www /www\n");
        String newer = repo.commit("a fast build, descending from the slow one");

        kafka.send(repo.pushed(older));
        await().atMost(BUILD).until(() -> kafka.queued(repo.name()).stream()
                .anyMatch(q -> q.data().commit().equals(older) && !kafka.started(q.data().buildId()).isEmpty()));
        kafka.send(repo.pushed(newer));

        await().atMost(BUILD).until(() -> !kafka.finished(repo.name(), newer).isEmpty());
        BuildFinished fast = kafka.finished(repo.name(), newer).get(0);
        assertThat(fast.outcome()).as(fast.reason()).isEqualTo(BuildOutcome.SUCCESS);
        assertThat(kafka.finished(repo.name(), older)).as("the older build is still running").isEmpty();

        await().atMost(BUILD).until(() -> !kafka.finished(repo.name(), older).isEmpty());
        BuildFinished slow = kafka.finished(repo.name(), older).get(0);
        assertThat(slow.outcome()).as(slow.reason()).isEqualTo(BuildOutcome.SUPERSEDED);
        assertThat(slow.reason()).startsWith("superseded by " + newer + " on main");
        assertThat(slow.artifactId()).isNull();
        assertThat(kafka.imagesBuilt(repo.name(), older)).as("no ImageBuilt for the older commit").isEmpty();
        ImageBuilt announced = kafka.imagesBuilt(repo.name(), newer).get(0).data();
        LocalRegistry registry = RestartableRegistryResource.registry();
        assertThat(registry.digest(repo.name(), "main")).as("the branch tag stays on the newer image")
                .contains(announced.digest());
        assertThat(registry.digest(repo.name(), "latest")).contains(announced.digest());

        // a redelivery of the older push is still older: its image exists now, and is still not announced (sent once
        // the scheduler has let go of the first build of that push, which a redelivery would otherwise join)
        await().atMost(Duration.ofSeconds(30)).until(() -> handler.active(slow.buildId()).isEmpty());
        kafka.send(repo.pushed(older));
        await().atMost(BUILD).until(() -> kafka.finished(repo.name(), older).size() == 2);
        assertThat(kafka.finished(repo.name(), older).get(1).outcome()).isEqualTo(BuildOutcome.SUPERSEDED);
        assertThat(kafka.imagesBuilt(repo.name(), older)).isEmpty();

        // a force-push that moves main back from the newer commit to the older one is a rollback, and is announced
        SampleApp.git(repo.work(), "push", "-q", "--force", "origin", older + ":refs/heads/main");
        await().atMost(Duration.ofSeconds(30)).until(() -> handler.active(slow.buildId()).isEmpty());
        kafka.send(repo.pushed(older, "app", "refs/heads/main", repo.bare().toString(), newer));
        await().atMost(BUILD).until(() -> kafka.finished(repo.name(), older).size() == 3);
        BuildFinished rollback = kafka.finished(repo.name(), older).get(2);
        assertThat(rollback.outcome()).as(rollback.reason()).isEqualTo(BuildOutcome.SKIPPED);
        assertThat(kafka.imagesBuilt(repo.name(), older)).hasSize(1);
    }
}
