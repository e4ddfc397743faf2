package dev.quayside.imagebuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.docker.LocalRegistryResource;
import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildOutcome;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ImageBuilt;
import dev.quayside.imagebuilder.client.AnnouncedPushes;
import dev.quayside.imagebuilder.support.Commits;
import dev.quayside.imagebuilder.support.GitReposResource;
import dev.quayside.imagebuilder.support.KafkaProbedTest;
import dev.quayside.imagebuilder.support.RegistryImages;
import dev.quayside.kit.kafka.CompactedTopicMaps;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
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

    @Inject
    AnnouncedPushes announced;

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

    /**
     * The first thing recorded about a push whose image is announced is that announcement, pending, with the event as
     * published: an instance killed right after publishing it leaves the decision behind (before, the record followed
     * the publish, and the push redelivered to another instance was decided again: {@code superseded} once a newer
     * commit was announced, a second end of a chain that was deployed — issue #21's chaos run at 100 commits).
     */
    @Test
    void anImageIsRecordedAsPendingBeforeItIsAnnounced() throws Exception {
        Commits repo = Commits.sampleApp(repos, "recorded-first", "1.0.0");
        String commit = repo.head();
        RegistryImages.put(repo.name(), commit.substring(0, 12));
        EventEnvelope<CommitPushed> event = repo.pushed(commit);

        kafka.sendAt(event);
        await().atMost(Duration.ofSeconds(120)).until(() -> !kafka.finished(repo.name(), commit).isEmpty());

        List<String> recorded = recordsOf(event.id());
        assertThat(recorded).as("what %s recorded about the push, in order", ANNOUNCED).hasSize(2);
        AnnouncedPushes.Pending pending = AnnouncedPushes.pending(recorded.get(0)).orElseThrow(() ->
                new AssertionError("the first record is not a pending announcement: " + recorded.get(0)));
        assertThat(pending.outcome()).isEqualTo(BuildOutcome.SKIPPED);
        assertThat(pending.imageBuilt().id()).isEqualTo(kafka.imagesBuilt(repo.name(), commit).get(0).id());
        assertThat(recorded.get(1)).startsWith("BUILD_FINISHED ").endsWith(" skipped");
    }

    /**
     * A push delivered again while its image's announcement is pending (the instance stopped after publishing the
     * {@code ImageBuilt}, before recording the build's end) is announced again as it was — the same events, the same
     * ids — even though a newer commit of the branch was announced meanwhile: not decided again as superseded.
     */
    @Test
    void aPushDeliveredAgainWhileItsAnnouncementWasPendingIsAnnouncedAgainAsItWas() throws Exception {
        Commits repo = Commits.sampleApp(repos, "cut-short", "1.0.0");
        String older = repo.head();
        RegistryImages.put(repo.name(), older.substring(0, 12));
        EventEnvelope<CommitPushed> olderPush = repo.pushed(older);
        kafka.sendAt(olderPush);
        await().atMost(Duration.ofSeconds(120)).until(() -> !kafka.finished(repo.name(), older).isEmpty());
        EventEnvelope<ImageBuilt> announcedThen = kafka.imagesBuilt(repo.name(), older).get(0);

        String newer = repo.commitVersion("1.0.1");
        RegistryImages.put(repo.name(), newer.substring(0, 12));
        kafka.sendAt(repo.pushed(newer, "app", "refs/heads/main", repo.bare().toString(), older));
        await().atMost(Duration.ofSeconds(120)).until(() -> !kafka.finished(repo.name(), newer).isEmpty());

        // what the instance that announced the older image left behind had it been killed before the build's end
        announced.recordPending(olderPush.id(), BuildOutcome.SKIPPED, announcedThen);
        RecordMetadata again = kafka.sendAt(olderPush);
        await().atMost(Duration.ofSeconds(60)).alias("the redelivered record is acknowledged")
                .until(() -> kafka.committed(again.partition()) > again.offset());
        Thread.sleep(2000);

        List<EventEnvelope<ImageBuilt>> images = kafka.imagesBuilt(repo.name(), older);
        assertThat(images).as("the ImageBuilt announced again").hasSize(2);
        assertThat(images).extracting(EventEnvelope::id).containsOnly(announcedThen.id());
        List<EventEnvelope<BuildFinished>> ends = kafka.events(BuildFinished.class).stream()
                .filter(e -> e.data().commit().equals(older)).toList();
        assertThat(ends).as("the build's end announced again").hasSize(2);
        assertThat(ends).extracting(e -> e.data().outcome()).containsOnly(BuildOutcome.SKIPPED);
        assertThat(ends.stream().map(EventEnvelope::id).distinct()).as("one id for both").hasSize(1);
        assertThat(announced.announced(olderPush.id())).hasValueSatisfying(outcome -> assertThat(outcome)
                .startsWith("BUILD_FINISHED ").endsWith(" skipped"));
    }

    static final String ANNOUNCED = "quayside.image-builder.announced";

    /** The values recorded under {@code key} in the announced pushes' topic, in log order. */
    static List<String> recordsOf(String key) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(ANNOUNCED).stream()
                    .map(p -> new TopicPartition(ANNOUNCED, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<String> values = new ArrayList<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key())) {
                        values.add(r.value());
                    }
                }
            }
            return values;
        }
    }
}
