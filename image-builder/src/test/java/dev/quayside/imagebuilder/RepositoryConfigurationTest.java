package dev.quayside.imagebuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.docker.DockerEngine;
import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildOutcome;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.EventEnvelope;
import dev.quayside.imagebuilder.support.Commits;
import dev.quayside.imagebuilder.support.KafkaProbedTest;
import dev.quayside.imagebuilder.support.RestartableRegistryResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * image-builder fetches only what its own configuration lists (issue #18, items 1, 4 and 7): no clone URL template
 * here, so a repository is built only when {@code quayside.builder.repositories} names it; the event's clone URL is
 * never fetched; a repository's settings file may only name images in its namespace; build args are per repository.
 */
@QuarkusTest
@TestProfile(RepositoryConfigurationTest.ListedRepositories.class)
@QuarkusTestResource(value = RestartableRegistryResource.class, restrictToAnnotatedClass = true)
class RepositoryConfigurationTest extends KafkaProbedTest {

    private static final Duration BUILD = Duration.ofSeconds(120);
    static final Path DIR = Path.of(shared("dir", () -> {
        try {
            return Files.createTempDirectory("image-builder-listed-").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }));
    static final String SUFFIX = shared("suffix", () -> UUID.randomUUID().toString().substring(0, 8));
    /** Listed with a {@code file://} URL. */
    static final String LISTED = "listed-" + SUFFIX;
    /** Listed with a plain path, an image namespace of its own and build args. */
    static final String OWNED = "owned-" + SUFFIX;
    /** Listed with a plain path only. */
    static final String PLAIN = "plain-" + SUFFIX;
    static final String NAMESPACE = "team-" + SUFFIX + "/web";

    /** The same value in every class loader of the test run (the profile and the test class may be loaded twice). */
    private static String shared(String key, java.util.function.Supplier<String> value) {
        return (String) System.getProperties().computeIfAbsent("image-builder.repository-configuration-test." + key,
                k -> value.get());
    }

    /** Three listed repositories, local remotes allowed (as in a local run), no template. */
    public static class ListedRepositories implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new LinkedHashMap<>();
            config.put("quayside.builder.allow-local-remotes", "true");
            config.put("quayside.builder.repositories." + LISTED + ".url", DIR.resolve(LISTED + ".git").toUri().toString());
            config.put("quayside.builder.repositories." + OWNED + ".url", DIR.resolve(OWNED + ".git").toString());
            config.put("quayside.builder.repositories." + OWNED + ".image-namespace", NAMESPACE);
            config.put("quayside.builder.repositories." + OWNED + ".build-args.GREETING", "hello-from-config");
            config.put("quayside.builder.repositories." + PLAIN + ".url", DIR.resolve(PLAIN + ".git").toString());
            return config;
        }
    }

    private static Commits listed;
    private static Commits owned;
    private static Commits plain;

    @BeforeAll
    static void start() {
        DockerEngine.requireRunning();
        listed = Commits.named(DIR, LISTED, "1.0.0");
        owned = Commits.named(DIR, OWNED, "1.0.0");
        plain = Commits.named(DIR, PLAIN, "1.0.0");
    }

    @Test
    void theCloneUrlComesFromTheConfigurationNeverFromTheEvent() {
        Commits decoy = Commits.sampleApp(DIR, "decoy", "6.6.6");
        String foreign = decoy.commitVersion("6.6.7");
        BuildFinished refused = build(listed, listed.pushed(foreign, "app", "refs/heads/main",
                decoy.bare().toString()), foreign);
        assertThat(refused.outcome()).as(refused.reason()).isEqualTo(BuildOutcome.FAILURE);
        String url = ConfigProvider.getConfig().getValue("quayside.builder.repositories." + LISTED + ".url",
                String.class);
        assertThat(refused.reason()).startsWith("commit " + foreign + " is not on " + url + " ");
        assertThat(kafka.imagesBuilt(LISTED, foreign)).isEmpty();

        String head = listed.commitVersion("1.0.1");
        BuildFinished built = build(listed, listed.pushed(head, "app", "refs/heads/main", "file:///etc"), head);
        assertThat(built.outcome()).as(built.reason()).isEqualTo(BuildOutcome.SUCCESS);
        assertThat(kafka.imagesBuilt(LISTED, head).get(0).data().labels())
                .containsEntry("org.opencontainers.image.source", url);
    }

    @Test
    void aRepositoryTheConfigurationDoesNotListIsRefusedWithoutAFetch() {
        Commits stranger = Commits.sampleApp(DIR, "stranger", "1.0.0");
        BuildFinished refused = build(stranger, stranger.pushed(stranger.head()), stranger.head());
        assertThat(refused.outcome()).as(refused.reason()).isEqualTo(BuildOutcome.FAILURE);
        assertThat(refused.reason()).isEqualTo("repository '" + stranger.name() + "' is not in image-builder's "
                + "configuration (quayside.builder.repositories) and no quayside.builder.clone-url-template is set: "
                + "it is not fetched");
        assertThat(kafka.started(refused.buildId())).isEmpty();
        assertThat(kafka.imagesBuilt(stranger.name(), stranger.head())).isEmpty();
        Path cache = Path.of(ConfigProvider.getConfig().getValue("quayside.builder.work-dir", String.class))
                .resolve("git").resolve(stranger.name() + ".git");
        assertThat(cache).as("nothing was fetched").doesNotExist();
    }

    @Test
    void aRepositoryBuildsOnlyInsideItsImageNamespaceAndWithItsOwnBuildArgs() {
        owned.write(".quayside.yml", "image: " + LISTED + "\n");
        String foreign = owned.commit("publish another repository's image");
        BuildFinished refused = build(owned, owned.pushed(foreign), foreign);
        assertThat(refused.outcome()).as(refused.reason()).isEqualTo(BuildOutcome.FAILURE);
        assertThat(refused.reason()).isEqualTo(".quayside.yml: 'image' " + LISTED + " is outside the image namespace "
                + "of repository " + OWNED + ": it owns " + NAMESPACE + " and " + NAMESPACE + "/...");
        assertThat(kafka.started(refused.buildId())).isEmpty();
        assertThat(RestartableRegistryResource.registry().digest(LISTED, foreign.substring(0, 12))).isEmpty();

        String greeting = "FROM scratch\nCOPY busybox /bin/busybox\nCOPY www /www\nARG GREETING\n"
                + "RUN [\"/bin/busybox\", \"sh\", \"-c\", \"echo greeting=[$GREETING]\"]\n";
        owned.write(".quayside.yml", "image: " + NAMESPACE + "/worker\n").write("Dockerfile", greeting);
        String inside = owned.commit("an image below the namespace, built with the repository's build args");
        BuildFinished built = build(owned, owned.pushed(inside), inside);
        assertThat(built.outcome()).as(built.reason()).isEqualTo(BuildOutcome.SUCCESS);
        assertThat(RestartableRegistryResource.registry().digest(NAMESPACE + "/worker", inside.substring(0, 12)))
                .isPresent();
        assertThat(awaitLog(built)).anyMatch(l -> l.contains("greeting=[hello-from-config]"));

        plain.write("Dockerfile", greeting);
        String other = plain.commit("the same Dockerfile in a repository without build args");
        BuildFinished without = build(plain, plain.pushed(other), other);
        assertThat(without.outcome()).as(without.reason()).isEqualTo(BuildOutcome.SUCCESS);
        assertThat(awaitLog(without)).as("another repository's build args never reach this one")
                .anyMatch(l -> l.contains("greeting=[]")).noneMatch(l -> l.contains("hello-from-config"));
    }

    private static BuildFinished build(Commits repo, EventEnvelope<CommitPushed> event, String commit) {
        kafka.send(event);
        await().atMost(BUILD).pollInterval(Duration.ofMillis(100))
                .until(() -> !kafka.finished(repo.name(), commit).isEmpty());
        return kafka.finished(repo.name(), commit).get(0);
    }

    /** The streamed log of a finished build (the log topic may lag behind the builds topic). */
    private static List<String> awaitLog(BuildFinished finished) {
        await().atMost(Duration.ofSeconds(30)).until(() -> kafka.logLines(finished.buildId()).size()
                >= finished.logTail().size());
        return kafka.logLines(finished.buildId());
    }
}
