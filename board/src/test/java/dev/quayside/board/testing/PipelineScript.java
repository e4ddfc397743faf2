package dev.quayside.board.testing;

import dev.quayside.events.BuildFinished;
import dev.quayside.events.BuildOutcome;
import dev.quayside.events.BuildQueued;
import dev.quayside.events.BuildStarted;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.Deployment;
import dev.quayside.events.DeploymentFailed;
import dev.quayside.events.DeploymentTarget;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.EventIds;
import dev.quayside.events.EventType;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.Person;
import dev.quayside.events.PipelineEvent;
import dev.quayside.events.PromotionApproved;
import dev.quayside.events.PromotionRequested;
import dev.quayside.events.PromotionWaiting;
import dev.quayside.events.Promoted;
import dev.quayside.events.Purl;
import dev.quayside.events.ServiceDeployed;
import dev.quayside.events.ServiceUpgraded;
import dev.quayside.events.TagUpdated;
import dev.quayside.events.Topics;
import dev.quayside.events.kafka.EventSerializer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays the pipeline's stages on the real broker: real event envelopes built with the {@code events} module (as
 * git-watcher, image-builder, config-syncer and marathon-applier build them: one chain id, deterministic ids from
 * {@code next}) and build log lines, published as the stages publish them. Used by the board's, the CLI's and the
 * browser tests.
 */
public final class PipelineScript implements AutoCloseable {

    public static final String REGISTRY = "127.0.0.1:5000";
    public static final String CONFIG_REPO = "deploy-config";

    private final KafkaProducer<String, EventEnvelope<?>> events;
    private final KafkaProducer<String, String> logs;

    public PipelineScript(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        events = new KafkaProducer<>(props, new StringSerializer(), new EventSerializer());
        logs = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /** A new commit of {@code app} (its repository has the app's name), not published yet. */
    public Chain chain(String app) {
        return new Chain(app, sha());
    }

    /** A random 40-digit commit id. */
    public static String sha() {
        return (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "").substring(0, 40);
    }

    /** A name no other test uses, e.g. {@code shop-1a2b3c}. */
    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    public void publish(EventEnvelope<?> envelope) {
        send(events, new ProducerRecord<>(envelope.topic(), envelope.key(), envelope));
    }

    public void log(String buildId, String line) {
        send(logs, new ProducerRecord<>(Topics.BUILD_LOGS, buildId, line));
    }

    private static <V> void send(KafkaProducer<String, V> producer, ProducerRecord<String, V> record) {
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to " + record.topic(), e);
        }
    }

    @Override
    public void close() {
        events.close();
        logs.close();
    }

    /** One commit's way through the stages; each method publishes one stage's event(s) now and returns this. */
    public final class Chain {

        public final String app;
        public final String commit;
        public final String buildId;
        public final String configCommit = sha();
        private EventEnvelope<CommitPushed> pushed;
        private EventEnvelope<?> last;
        private ImageBuilt image;
        private final List<EventEnvelope<?>> published = new ArrayList<>();
        private Instant startedAt;
        private Instant syncedAt;

        Chain(String app, String commit) {
            this.app = app;
            this.commit = commit;
            this.buildId = app + "-" + commit.substring(0, 12) + "-a1b2c3";
        }

        public String id() {
            if (pushed == null) {
                throw new IllegalStateException("not pushed yet");
            }
            return pushed.id();
        }

        public String digest() {
            return "sha256:" + (commit + commit).substring(0, 64);
        }

        public String pinnedImage() {
            return REGISTRY + "/" + app + ":" + commit.substring(0, 12) + "@" + digest();
        }

        public List<EventEnvelope<?>> published() {
            return List.copyOf(published);
        }

        public Chain push() {
            Person person = new Person("Ada Lovelace", "ada@example.org", "ada");
            CommitPushed data = new CommitPushed(app, "app", "https://git.example.org/team/" + app + ".git",
                    "refs/heads/main", CommitPushed.RefChange.BRANCH_UPDATED, sha(), commit,
                    List.of(new CommitPushed.Commit(commit, "Make the basket faster\n\nDetails.", person, Instant.now(),
                            List.of(), List.of("src/Basket.java"), List.of())),
                    person, UUID.randomUUID().toString(), "github");
            pushed = EventEnvelope.startChain(data, "/quayside/git-watcher", UUID.randomUUID().toString(), Instant.now());
            return emit(pushed);
        }

        public Chain queued() {
            return emit(next(new BuildQueued(buildId, app, app, commit, "main"), buildId));
        }

        public Chain started() {
            startedAt = Instant.now();
            return emit(next(new BuildStarted(buildId, app, app, commit, "main"), buildId, "started"));
        }

        public Chain log(String... lines) {
            for (String line : lines) {
                PipelineScript.this.log(buildId, line);
            }
            return this;
        }

        public Chain finished(BuildOutcome outcome, String reason) {
            String purl = outcome == BuildOutcome.SUCCESS ? Purl.oci(REGISTRY, app, digest(), commit.substring(0, 12)) : null;
            long took = startedAt == null ? 0 : Duration.between(startedAt, Instant.now()).toMillis();
            return emit(next(new BuildFinished(buildId, app, app, commit, "main", outcome, took, reason,
                    List.of("Successfully built"), purl), buildId, outcome.wire()));
        }

        public Chain imageBuilt() {
            String tag = commit.substring(0, 12);
            image = new ImageBuilt(app, app, commit, "main", REGISTRY, app, tag, List.of("main"), digest(),
                    Purl.oci(REGISTRY, app, digest(), tag), Map.of("org.opencontainers.image.revision", commit), false);
            return emit(next(image, app, commit));
        }

        /** The config repo now pins the image in each of {@code environments} ({@code marathon/<env>/<app>.json}). */
        public Chain tagUpdated(String... environments) {
            List<TagUpdated.FileChange> changes = new ArrayList<>();
            for (String env : environments) {
                changes.add(new TagUpdated.FileChange("marathon/" + env + "/" + app + ".json", env,
                        REGISTRY + "/" + app + ":old", pinnedImage()));
            }
            return emit(next(new TagUpdated(app, CONFIG_REPO, "main", configCommit, pinnedImage(), changes,
                    TagUpdated.Outcome.UPDATED, null), CONFIG_REPO, "tag"));
        }

        /**
         * git-watcher's event for the config commit {@link #tagUpdated} wrote back: a push of the config repository,
         * a chain of its own that nothing follows (config-syncer already mirrored the commit).
         */
        public Chain configPushed() {
            Person bot = new Person("Quayside", "quayside@localhost", "quayside");
            CommitPushed data = new CommitPushed(CONFIG_REPO, "config", "https://git.example.org/ops/" + CONFIG_REPO + ".git",
                    "refs/heads/main", CommitPushed.RefChange.BRANCH_UPDATED, sha(), configCommit,
                    List.of(new CommitPushed.Commit(configCommit, "Pin " + pinnedImage(), bot, Instant.now(), List.of(),
                            List.of("marathon/dev/" + app + ".json"), List.of())), bot, UUID.randomUUID().toString(), "generic");
            publish(EventEnvelope.startChain(data, "/quayside/git-watcher", UUID.randomUUID().toString(), Instant.now()));
            return this;
        }

        public Chain configSynced(String... environments) {
            List<String> files = new ArrayList<>();
            for (String env : environments) {
                files.add("marathon/" + env + "/" + app + ".json");
            }
            syncedAt = Instant.now();
            List<String> keys = files.stream().map(f -> "quayside/config/" + CONFIG_REPO + "/main/" + f).toList();
            return emit(next(new ConfigSynced(CONFIG_REPO, "main", sha(), configCommit, keys, List.of(), files, 42,
                    false, List.of(), List.of(), ConfigSynced.Outcome.SYNCED, null), CONFIG_REPO, "sync"));
        }

        public Deployment deployment(String environment, long durationMs) {
            return new Deployment(app, environment, DeploymentTarget.MARATHON, "/" + environment + "/" + app,
                    "2026-01-01T00:00:00.000Z", pinnedImage(), UUID.randomUUID().toString(), durationMs);
        }

        /** A new app in {@code environment}; it took from the sync to now. */
        public Chain deployed(String environment) {
            return emit(next(new ServiceDeployed(deployment(environment, sinceSync())), environment, "deployed"));
        }

        /** A rolling upgrade in {@code environment}; it took from the sync to now. */
        public Chain upgraded(String environment) {
            return emit(next(new ServiceUpgraded(deployment(environment, sinceSync()), false), environment, "upgraded"));
        }

        private long sinceSync() {
            return syncedAt == null ? 0 : Duration.between(syncedAt, Instant.now()).toMillis();
        }

        public Chain deploymentFailed(String environment, String message) {
            return emit(next(new DeploymentFailed(deployment(environment, 40_000), DeploymentFailed.Reason.HEALTH_CHECK,
                    message, "marathon/" + environment + "/" + app + ".json", null), environment, "failed"));
        }

        /** marathon-applier did not apply the sync in {@code environment}: the app is suspended there. */
        public Chain suspended(String environment) {
            return emit(next(new DeploymentFailed(deployment(environment, 0), DeploymentFailed.Reason.SUSPENDED,
                    app + " is suspended in " + environment + " (quayside.yml)", "marathon/" + environment + "/" + app
                            + ".json", null), environment, "suspended"));
        }

        /** This chain's successful deployment in {@code from} asks for its promotion into {@code to}. */
        public Chain promotionRequested(String from, String to) {
            return emit(next(new PromotionRequested(app, CONFIG_REPO, "main", from, to, pinnedImage(),
                    List.of(PromotionWaiting.APPROVAL), Instant.now().toString()), to, "requested"));
        }

        /** config-syncer's promotion of this chain's image from {@code from} into {@code to} waits for approval. */
        public Chain promotionWaiting(String from, String to) {
            return emit(next(new PromotionWaiting(app, CONFIG_REPO, "main", from, to, pinnedImage(),
                    List.of(PromotionWaiting.APPROVAL), null, true, Instant.now().toString()), to, "waiting"));
        }

        /** An operator approved the promotion into {@code to}; {@code gates} still wait. */
        public Chain promotionApproved(String from, String to, String by, String... gates) {
            return emit(next(new PromotionApproved(app, CONFIG_REPO, "main", from, to, pinnedImage(), by,
                    List.of(gates), Instant.now().toString()), to, "approved"));
        }

        /**
         * The promotion into {@code to} is written ({@code Promoted}, in this chain); then its own chain — whose id is
         * the Promoted event's — mirrors the promotion commit and deploys it in {@code to}. Returns that chain's id.
         */
        public String promoted(String from, String to) {
            String promotionCommit = sha();
            String promotionChain = EventIds.of(EventType.PROMOTED, commit, to, "promoted");
            EventEnvelope<Promoted> promoted = EventEnvelope.of(new Promoted(app, CONFIG_REPO, "main", from, to,
                    pinnedImage(), promotionCommit, app + "@" + commit, List.of("marathon/" + to + "/" + app + ".json"),
                    promotionChain), "/quayside/config-syncer", promotionChain, id(), Instant.now());
            emit(promoted);
            String file = "marathon/" + to + "/" + app + ".json";
            EventEnvelope<ConfigSynced> synced = promoted.next(new ConfigSynced(CONFIG_REPO, "main", configCommit,
                    promotionCommit, List.of("quayside/config/" + CONFIG_REPO + "/main/" + file), List.of(),
                    List.of(file), 43, false, List.of(), List.of(), ConfigSynced.Outcome.SYNCED, null),
                    "/quayside/config-syncer", Instant.now(), promotionCommit, "sync");
            EventEnvelope<ConfigSynced> inItsChain = EventEnvelope.of(synced.data(), "/quayside/config-syncer",
                    synced.id(), promotionChain, synced.context().timestamp());
            publish(inItsChain);
            publish(inItsChain.next(new ServiceUpgraded(deployment(to, 1200), false), "/quayside/marathon-applier",
                    Instant.now(), promotionCommit, to, "upgraded"));
            return promotionChain;
        }

        /** Every stage up to a successful deployment in each environment. */
        public Chain all(String... environments) {
            return push().afterPush(environments);
        }

        /** Every stage after the push up to a successful deployment in each environment. */
        public Chain afterPush(String... environments) {
            queued().started().log("Step 1/2 : FROM scratch", "Step 2/2 : COPY busybox /bin/busybox",
                    "Successfully built").finished(BuildOutcome.SUCCESS, null).imageBuilt().tagUpdated(environments)
                    .configPushed().configSynced(environments);
            for (String env : environments) {
                deployed(env);
            }
            return this;
        }

        private <E extends PipelineEvent> EventEnvelope<E> next(E data, String... idParts) {
            EventEnvelope<?> cause = last != null ? last : pushed;
            if (cause == null) {
                throw new IllegalStateException("push first");
            }
            // like the stages, the commit is part of every id: the same effect of another commit is another event
            String[] parts = new String[idParts.length + 1];
            parts[0] = commit;
            System.arraycopy(idParts, 0, parts, 1, idParts.length);
            return cause.next(data, "/quayside/test", Instant.now(), parts);
        }

        private Chain emit(EventEnvelope<?> envelope) {
            publish(envelope);
            published.add(envelope);
            last = envelope;
            return this;
        }
    }
}
