package dev.quayside.imagebuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.docker.LocalRegistryResource;
import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildOutcome;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.imagebuilder.messaging.FlakyPublisher;
import dev.quayside.imagebuilder.support.Commits;
import dev.quayside.imagebuilder.support.GitReposResource;
import dev.quayside.imagebuilder.support.KafkaProbedTest;
import dev.quayside.imagebuilder.support.RegistryImages;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failing to publish an outcome is not a build failure: an {@code ImageBuilt} Kafka did not take, or acknowledged
 * late (the broker stopped for a while), never turns into a {@code failure}; the push ends with exactly one
 * {@code ImageBuilt} and one {@code BuildFinished}, and is acknowledged, not dead-lettered. The image is in the
 * registry already (the image-exists path: no Docker engine needed); the events go to the real broker.
 */
@QuarkusTest
@TestProfile(PublishTimeoutTest.Flaky.class)
@QuarkusTestResource(value = LocalRegistryResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = LocalRegistryResource.REQUIRE_DOCKER_ENGINE, value = "false"))
@QuarkusTestResource(value = GitReposResource.class, restrictToAnnotatedClass = true)
class PublishTimeoutTest extends KafkaProbedTest {

    /** The publisher with faults. */
    public static class Flaky implements QuarkusTestProfile {

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(FlakyPublisher.class);
        }
    }

    private static Path repos;

    @BeforeAll
    static void start() {
        repos = GitReposResource.dir();
    }

    @Test
    void anImageBuiltKafkaDidNotTakeIsNotAFailureTheRecordIsHandledAgainAndAnnouncedOnce() throws Exception {
        Commits repo = Commits.sampleApp(repos, "not-taken", "1.0.0");
        FlakyPublisher.arm(repo.name(), new FlakyPublisher.NotTaken());
        endsOnceWithoutFailure(repo, Duration.ofSeconds(60));
    }

    @Test
    void anImageBuiltAcknowledgedLaterThanThirtySecondsIsWaitedForNotAnnouncedAsAFailure() throws Exception {
        Commits repo = Commits.sampleApp(repos, "late-ack", "1.0.0");
        FlakyPublisher.arm(repo.name(), new FlakyPublisher.LateAck(Duration.ofSeconds(35)));
        endsOnceWithoutFailure(repo, Duration.ofSeconds(90));
    }

    private static void endsOnceWithoutFailure(Commits repo, Duration within) throws InterruptedException {
        String commit = repo.head();
        RegistryImages.put(repo.name(), commit.substring(0, 12));
        EventEnvelope<CommitPushed> event = repo.pushed(commit);

        RecordMetadata sent = kafka.sendAt(event);
        await().atMost(within).until(() -> !kafka.finished(repo.name(), commit).isEmpty()
                || kafka.deadLettered().stream().anyMatch(r -> repo.name().equals(r.key())));
        await().atMost(Duration.ofSeconds(30)).alias("the record is settled")
                .until(() -> kafka.committed(sent.partition()) > sent.offset());
        Thread.sleep(2000); // the probe reads whatever else was published for it

        assertThat(kafka.finished(repo.name(), commit)).extracting(BuildFinished::outcome)
                .containsExactly(BuildOutcome.SKIPPED);
        assertThat(kafka.imagesBuilt(repo.name(), commit)).hasSize(1);
        assertThat(kafka.deadLettered()).noneMatch(r -> repo.name().equals(r.key()));
    }
}
