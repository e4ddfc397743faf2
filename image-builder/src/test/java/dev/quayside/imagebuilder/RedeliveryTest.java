package dev.quayside.imagebuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.docker.LocalRegistryResource;
import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildOutcome;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.imagebuilder.client.AnnouncedPushes;
import dev.quayside.imagebuilder.support.Commits;
import dev.quayside.imagebuilder.support.GitReposResource;
import dev.quayside.imagebuilder.support.KafkaProbedTest;
import dev.quayside.imagebuilder.support.RegistryImages;
import dev.quayside.kit.kafka.CompactedTopicMaps;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A push delivered again after its outcome was announced (its offset not committed yet when image-builder was killed,
 * or its partition moved to another instance) is acknowledged without being built or announced again: one
 * {@code ImageBuilt}, one {@code BuildFinished} per push. The image is in the registry already (no Docker engine needed).
 */
@QuarkusTest
@QuarkusTestResource(value = LocalRegistryResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = LocalRegistryResource.REQUIRE_DOCKER_ENGINE, value = "false"))
@QuarkusTestResource(value = GitReposResource.class, restrictToAnnotatedClass = true)
class RedeliveryTest extends KafkaProbedTest {

    private static Path repos;

    @BeforeAll
    static void start() {
        repos = GitReposResource.dir();
    }

    @Test
    void aPushDeliveredAgainAfterItsBuildWasAnnouncedIsAcknowledgedWithoutBuildingOrAnnouncingAgain()
            throws InterruptedException {
        Commits repo = Commits.sampleApp(repos, "redelivered", "1.0.0");
        String commit = repo.head();
        RegistryImages.put(repo.name(), commit.substring(0, 12)); // the image-exists path: no Docker engine
        EventEnvelope<CommitPushed> event = repo.pushed(commit);

        kafka.sendAt(event);
        await().atMost(Duration.ofSeconds(120)).until(() -> !kafka.finished(repo.name(), commit).isEmpty());
        BuildFinished first = kafka.finished(repo.name(), commit).get(0);
        assertThat(first.outcome()).as(first.reason()).isEqualTo(BuildOutcome.SKIPPED);

        RecordMetadata again = kafka.sendAt(event); // the same record again: what a restart or a rebalance redelivers
        await().atMost(Duration.ofSeconds(60)).alias("the redelivered record is acknowledged")
                .until(() -> kafka.committed(again.partition()) > again.offset());
        // whatever the second handling published is on Kafka by then (the record is acknowledged after it): give the
        // probe time to read it
        Thread.sleep(2000);

        assertThat(kafka.imagesBuilt(repo.name(), commit)).as("ImageBuilt of the push").hasSize(1);
        assertThat(kafka.finished(repo.name(), commit)).as("BuildFinished of the push").hasSize(1);
        assertThat(kafka.queued(repo.name())).as("BuildQueued of the push").hasSize(1);
        assertThat(kafka.deadLettered()).noneMatch(r -> repo.name().equals(r.key()));

        // a new instance (a restart, or the instance the partition moves to) reads the same memory
        Map<String, Object> client = Map.of("bootstrap.servers",
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        try (AnnouncedPushes restarted = new AnnouncedPushes(CompactedTopicMaps.of(client), new AnnouncedPushes.Settings(
                "quayside.image-builder.announced", 6, (short) -1, Duration.ofSeconds(10), Duration.ofDays(30)))) {
            await().atMost(Duration.ofSeconds(30)).until(restarted::isCaughtUp);
            assertThat(restarted.announced(event.id())).hasValueSatisfying(outcome -> assertThat(outcome)
                    .startsWith("BUILD_FINISHED ").endsWith(" skipped"));
        }
    }
}
