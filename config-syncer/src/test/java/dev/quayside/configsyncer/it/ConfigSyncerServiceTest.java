package dev.quayside.configsyncer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.kafka.KafkaBrokerResource;
import dev.quayside.events.CommitPushed;
import dev.quayside.events.Deployment;
import dev.quayside.events.DeploymentTarget;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ImageBuilt;
import dev.quayside.events.IncomingEvent;
import dev.quayside.events.Person;
import dev.quayside.events.Promoted;
import dev.quayside.events.PromotionApproved;
import dev.quayside.events.PromotionFailed;
import dev.quayside.events.PromotionRequested;
import dev.quayside.events.PromotionWaiting;
import dev.quayside.events.ServiceDeployed;
import dev.quayside.events.ServiceRolledBack;
import dev.quayside.events.TagUpdated;
import dev.quayside.events.Topics;
import dev.quayside.events.kafka.EventDeserializer;
import dev.quayside.events.kafka.EventSerializer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The whole service: real Kafka broker, real Git repository, Consul stand-in. */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = ConsulProcessResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ConfigRepoResource.class, restrictToAnnotatedClass = true)
class ConfigSyncerServiceTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @jakarta.inject.Inject
    dev.quayside.configsyncer.mirror.MirrorReconciler reconciler;

    static final List<EventEnvelope<?>> received = new CopyOnWriteArrayList<>();
    /** The record key each event id was published with, the last seen. */
    static final Map<String, String> keys = new java.util.concurrent.ConcurrentHashMap<>();
    static final List<String> dlq = new CopyOnWriteArrayList<>();
    static Thread poller;
    static volatile boolean polling = true;

    @BeforeAll
    static void listen() {
        String servers = System.getProperty("quayside.devstack.kafka.bootstrap",
                dev.quayside.devstack.kafka.KafkaBroker.sharedBootstrapServers());
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        poller = new Thread(() -> {
            try (KafkaConsumer<String, IncomingEvent> events = new KafkaConsumer<>(p, new StringDeserializer(),
                    new EventDeserializer());
                    KafkaConsumer<String, String> dead = new KafkaConsumer<>(withGroup(p), new StringDeserializer(),
                            new StringDeserializer())) {
                events.subscribe(List.of(Topics.TAG_UPDATED, Topics.CONFIG_SYNCED));
                dead.subscribe(List.of(Topics.deadLetter("config-syncer")));
                while (polling) {
                    events.poll(Duration.ofMillis(100)).forEach(r -> {
                        if (!r.value().isMalformed()) {
                            keys.put(r.value().envelope().id(), String.valueOf(r.key()));
                            received.add(r.value().envelope());
                        }
                    });
                    dead.poll(Duration.ofMillis(50)).forEach(r -> dlq.add(String.valueOf(r.value())));
                }
            }
        }, "it-poller");
        poller.setDaemon(true);
        poller.start();
    }

    private static Properties withGroup(Properties p) {
        Properties q = new Properties();
        q.putAll(p);
        q.put(ConsumerConfig.GROUP_ID_CONFIG, "it-dlq-" + UUID.randomUUID());
        return q;
    }

    @AfterAll
    static void stop() throws InterruptedException {
        polling = false;
        poller.join(5000);
    }

    private void send(EventEnvelope<?> envelope) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, EventEnvelope<?>> producer = new KafkaProducer<>(p, new StringSerializer(),
                new EventSerializer())) {
            producer.send(new ProducerRecord<>(envelope.topic(), envelope.key(), envelope)).get();
        }
    }

    private static EventEnvelope<CommitPushed> push(String repo, String kind, String after) {
        CommitPushed cp = new CommitPushed(repo, kind, "file:///" + repo, "refs/heads/main",
                CommitPushed.RefChange.BRANCH_UPDATED, CommitPushed.ZERO_SHA, after, List.of(),
                new Person("Human", "human@example.com", "human"), UUID.randomUUID().toString(), "generic");
        return EventEnvelope.startChain(cp, "/test", UUID.randomUUID().toString(), Instant.now());
    }

    private static List<EventEnvelope<?>> chain(String chainId) {
        List<EventEnvelope<?>> out = new ArrayList<>();
        received.stream().filter(e -> chainId.equals(e.chainId())).forEach(out::add);
        return out;
    }

    private String kv(String key) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(ConsulProcessResource.url + "/v1/kv/" + key + "?raw")).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? r.body() : null;
    }

    @Test
    @Order(2)
    void imageBuiltIsWrittenBackMirroredAndTheWebhookRoundTripEmitsNothingNew() throws Exception {
        EventEnvelope<CommitPushed> start = push("sample-app", "app", "a".repeat(40));
        String digest = "sha256:" + "b".repeat(64);
        ImageBuilt built = new ImageBuilt("sample-app", "sample-app", "a".repeat(40), "main",
                ConfigRepoResource.REGISTRY, "sample-app", "aaaaaaa", List.of("main"), digest,
                "pkg:oci/sample-app@sha256%3A" + "b".repeat(64), Map.of(), false);
        EventEnvelope<ImageBuilt> in = start.next(built, "/test", Instant.now(), "build");
        send(in);

        await().atMost(Duration.ofSeconds(60)).until(() -> chain(start.id()).size() >= 2);
        TagUpdated tag = chain(start.id()).stream().filter(e -> e.data() instanceof TagUpdated)
                .map(e -> (TagUpdated) e.data()).findFirst().orElseThrow();
        assertThat(tag.outcome()).isEqualTo(TagUpdated.Outcome.UPDATED);
        assertThat(tag.filesChanged()).isEqualTo(3);
        assertThat(tag.reason()).isNull();
        ConfigSynced synced = chain(start.id()).stream().filter(e -> e.data() instanceof ConfigSynced)
                .map(e -> (ConfigSynced) e.data()).findFirst().orElseThrow();
        assertThat(synced.outcome()).isEqualTo(ConfigSynced.Outcome.SYNCED);
        assertThat(synced.toCommit()).isEqualTo(tag.commitWritten());
        assertThat(kv("quayside/config/deploy/main/marathon/prod/sample-app.json")).contains(built.pinnedReference());
        assertThat(kv("quayside/config/deploy/main.ref")).isEqualTo(tag.commitWritten());
        assertThat(kv("quayside/images/sample-app/prod")).isEqualTo(built.pinnedReference());

        // the push webhook for config-syncer's own commit finds the ref current and publishes nothing new; a human's
        // later push is mirrored once. The mirror always syncs the branch's current head, so the human's commit is
        // announced in the chain of whichever of the two push events is handled after it reached the remote.
        EventEnvelope<CommitPushed> webhook = push("deploy", "config", tag.commitWritten());
        send(webhook);
        ConfigRepoResource.pull();
        ConfigRepoResource.write("marathon/dev/unrelated.json", "{\"id\":\"/unrelated\",\"instances\":3}");
        String human = ConfigRepoResource.commitAndPush("scale unrelated");
        EventEnvelope<CommitPushed> humanPush = push("deploy", "config", human);
        send(humanPush);
        await().atMost(Duration.ofSeconds(60)).until(() -> !chain(humanPush.id()).isEmpty()
                || !chain(webhook.id()).isEmpty());
        List<ConfigSynced> pushes = new ArrayList<>();
        chain(webhook.id()).forEach(e -> pushes.add((ConfigSynced) e.data()));
        chain(humanPush.id()).forEach(e -> pushes.add((ConfigSynced) e.data()));
        assertThat(pushes).singleElement().satisfies(m -> {
            assertThat(m.fromCommit()).isEqualTo(tag.commitWritten());
            assertThat(m.toCommit()).isEqualTo(human);
            assertThat(m.keysPut()).containsExactly("quayside/config/deploy/main/marathon/dev/unrelated.json");
        });
        assertThat(received.stream().filter(e -> e.data() instanceof ConfigSynced c
                && tag.commitWritten().equals(c.toCommit()))).as("config-syncer's own commit is announced once").hasSize(1);

        // the same ImageBuilt again (redelivery): no commit, and the event says so
        send(in);
        await().atMost(Duration.ofSeconds(30)).until(() -> chain(start.id()).stream()
                .anyMatch(e -> e.data() instanceof TagUpdated t && t.outcome() == TagUpdated.Outcome.UNCHANGED));
    }

    @Test
    @Order(1)
    void aMalformedRecordIsDeadLetteredAndHealthProbesRealDependencies() throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.IMAGE_BUILT, "x", "not an event".getBytes())).get();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !dlq.isEmpty());
        RestAssured.get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'consul' }.status", Matchers.equalTo("UP"))
                .body("checks.find { it.name == 'config-repositories' }.status", Matchers.equalTo("UP"));
        RestAssured.get("/api/repositories").then().statusCode(200).body("[0].name", Matchers.equalTo("deploy"));
    }

    @Test
    @Order(3)
    void aTerminalWriteBackFailureIsAnnouncedAndDeadLettered() throws Exception {
        ConfigRepoResource.pull();
        ConfigRepoResource.write("quayside.yml", "environments: [not, a, map]\n");
        ConfigRepoResource.commitAndPush("broken policy");
        int dead = dlq.size();
        EventEnvelope<CommitPushed> start = push("sample-app", "app", "c".repeat(40));
        String digest = "sha256:" + "d".repeat(64);
        ImageBuilt built = new ImageBuilt("sample-app", "sample-app", "c".repeat(40), "main",
                ConfigRepoResource.REGISTRY, "sample-app", "ccccccc", List.of(), digest,
                "pkg:oci/sample-app@sha256%3A" + "d".repeat(64), Map.of(), false);
        send(start.next(built, "/test", Instant.now(), "build"));
        await().atMost(Duration.ofSeconds(60)).until(() -> !chain(start.id()).isEmpty() && dlq.size() > dead);
        TagUpdated tag = (TagUpdated) chain(start.id()).get(0).data();
        assertThat(tag.outcome()).isEqualTo(TagUpdated.Outcome.FAILED);
        assertThat(tag.reason()).contains("quayside.yml").contains("'environments' must be a map");
    }

    @Test
    @Order(4)
    void aSyncOnDemandIsAnOperatorActionThatNeedsTheBearerToken() {
        RestAssured.given().post("/api/sync/deploy/main").then().statusCode(401)
                .header("WWW-Authenticate", Matchers.containsString("Bearer"));
        RestAssured.given().header("Authorization", "Bearer wrong").post("/api/sync/deploy/main").then().statusCode(401);
        RestAssured.given().header("Authorization", "Bearer test-operator-token").post("/api/sync/deploy/main").then()
                .statusCode(Matchers.anyOf(Matchers.is(200), Matchers.is(204)));
        RestAssured.given().get("/api/repositories").then().statusCode(200);
    }

    @Test
    @Order(5)
    void aRollbackIsWrittenBackOnceMirroredAndBadInputIsAnnouncedAndDeadLettered() throws Exception {
        String file = "marathon/staging/rolled.json";
        String good = "{\"id\":\"/staging/rolled\",\"container\":{\"docker\":{\"image\":\"" + ConfigRepoResource.REGISTRY
                + "/rolled:good\"}}}\n";
        String bad = good.replace("rolled:good", "rolled:bad");
        ConfigRepoResource.pull();
        ConfigRepoResource.write(file, good);
        String goodCommit = ConfigRepoResource.commitAndPush("rolled at good");
        ConfigRepoResource.write(file, bad);
        String badCommit = ConfigRepoResource.commitAndPush("rolled at bad");
        Deployment failed = new Deployment("rolled", "staging", DeploymentTarget.MARATHON, "/staging/rolled", "v2",
                ConfigRepoResource.REGISTRY + "/rolled:bad", "dep-1", 900);
        EventEnvelope<CommitPushed> start = push("deploy", "config", badCommit);
        EventEnvelope<ServiceRolledBack> in = start.next(new ServiceRolledBack(failed, "v1", "health check failed",
                "deploy", "main", file, badCommit, goodCommit, "HTTP /health: 503"), "/test", Instant.now(), "rollback");
        send(in);

        await().atMost(Duration.ofSeconds(60)).until(() -> chain(start.id()).stream()
                .anyMatch(e -> e.data() instanceof TagUpdated));
        EventEnvelope<?> written = chain(start.id()).stream().filter(e -> e.data() instanceof TagUpdated).findFirst()
                .orElseThrow();
        TagUpdated tag = (TagUpdated) written.data();
        assertThat(tag.outcome()).isEqualTo(TagUpdated.Outcome.UPDATED);
        // the restoring commit's sync is in a chain of its own: the failed chain keeps one outcome, the rollback
        await().atMost(Duration.ofSeconds(30)).until(() -> !chain(written.id()).isEmpty());
        assertThat(chain(written.id())).singleElement().satisfies(e -> {
            assertThat(e.data()).isInstanceOfSatisfying(ConfigSynced.class,
                    s -> assertThat(s.toCommit()).isEqualTo(tag.commitWritten()));
        });
        assertThat(chain(start.id())).noneMatch(e -> e.data() instanceof ConfigSynced);
        assertThat(tag.newImage()).isEqualTo(ConfigRepoResource.REGISTRY + "/rolled:good");
        ConfigRepoResource.pull();
        assertThat(ConfigRepoResource.human.getRepository().resolve("HEAD").name()).isEqualTo(tag.commitWritten());
        assertThat(java.nio.file.Files.readString(ConfigRepoResource.dir.resolve("human").resolve(file))).isEqualTo(good);
        assertThat(kv("quayside/config/deploy/main/" + file)).isEqualTo(good);
        assertThat(kv("quayside/config/deploy/main.ref")).isEqualTo(tag.commitWritten());

        // redelivered: nothing new is written
        send(in);
        await().atMost(Duration.ofSeconds(30)).until(() -> chain(start.id()).stream()
                .anyMatch(e -> e.data() instanceof TagUpdated t && t.outcome() == TagUpdated.Outcome.UNCHANGED));
        ConfigRepoResource.pull();
        assertThat(ConfigRepoResource.human.getRepository().resolve("HEAD").name()).isEqualTo(tag.commitWritten());

        // no restore commit, an unknown repository: a FAILED TagUpdated each, and both dead-lettered
        int dead = dlq.size();
        EventEnvelope<CommitPushed> start2 = push("deploy", "config", badCommit);
        send(start2.next(new ServiceRolledBack(failed, "v1", "r", "deploy", "main", file, badCommit, null, null),
                "/test", Instant.now(), "no-restore"));
        send(start2.next(new ServiceRolledBack(failed, "v1", "r", "nowhere", "main", file, badCommit, goodCommit, null),
                "/test", Instant.now(), "unknown-repo"));
        await().atMost(Duration.ofSeconds(60)).until(() -> chain(start2.id()).size() >= 2 && dlq.size() >= dead + 2);
        assertThat(chain(start2.id())).extracting(e -> (TagUpdated) e.data()).allSatisfy(t ->
                assertThat(t.outcome()).isEqualTo(TagUpdated.Outcome.FAILED)).extracting(TagUpdated::reason)
                .anySatisfy(r -> assertThat(r).contains("no restore commit"))
                .anySatisfy(r -> assertThat(r).contains("'nowhere' is not a configured config repository"));
    }

    @Test
    @Order(6)
    void aSuccessInDevIsPromotedWithTheSameDigestMirroredInAChainOfItsOwnAndARedeliveryWritesNothing()
            throws Exception {
        String image = ConfigRepoResource.REGISTRY + "/promo:1a2b3c4@sha256:" + "e".repeat(64);
        String definition = "{\"id\":\"/%s/promo\",\"container\":{\"docker\":{\"image\":\"%s\"}}}\n";
        ConfigRepoResource.pull();
        ConfigRepoResource.write("quayside.yml", "environments:\n  dev: {}\n  qa: {promote-from: dev}\n"
                + "  uat: {promote-from: dev, suspended: [promo]}\n  perf: {promote-from: dev}\n");
        ConfigRepoResource.write("marathon/qa/promo.json", definition.formatted("qa", "127.0.0.1:5000/promo:old"));
        ConfigRepoResource.write("marathon/uat/promo.json", definition.formatted("uat", "127.0.0.1:5000/promo:old"));
        ConfigRepoResource.commitAndPush("promo's environments");
        ConfigRepoResource.write("marathon/dev/promo.json", definition.formatted("dev", image));
        String source = "promo@" + "1a2b3c4".repeat(5) + "12345";
        String pinnedInDev = ConfigRepoResource.commitAndPush("Deploy promo to dev\n\nQuayside-Source: " + source + "\n");
        Deployment ran = new Deployment("promo", "dev", DeploymentTarget.MARATHON, "/dev/promo", "v1", image, "dep-9",
                1500);
        EventEnvelope<CommitPushed> start = push("promo", "app", "1a2b3c4".repeat(5) + "12345");
        EventEnvelope<ServiceDeployed> in = start.next(new ServiceDeployed(ran), "/test", Instant.now(), "deployed");
        send(in);

        // each promotion opens with its request, then its outcome: qa promoted, uat and perf refused
        await().atMost(Duration.ofSeconds(60)).until(() -> chain(start.id()).stream()
                .filter(e -> e.data() instanceof Promoted || e.data() instanceof PromotionFailed).count() >= 3);
        assertThat(inChain(start.id(), PromotionRequested.class)).extracting(PromotionRequested::toEnvironment)
                .containsExactlyInAnyOrder("qa", "uat", "perf");
        assertThat(inChain(start.id(), PromotionRequested.class)).allSatisfy(r -> {
            assertThat(r.fromEnvironment()).isEqualTo("dev");
            assertThat(r.image()).isEqualTo(image);
            assertThat(r.gates()).isEmpty();
        });
        EventEnvelope<?> written = chain(start.id()).stream().filter(e -> e.data() instanceof Promoted).findFirst()
                .orElseThrow();
        Promoted promoted = (Promoted) written.data();
        assertThat(promoted.toEnvironment()).isEqualTo("qa");
        assertThat(promoted.fromEnvironment()).isEqualTo("dev");
        assertThat(promoted.image()).isEqualTo(image);
        assertThat(promoted.source()).isEqualTo(source);
        assertThat(promoted.files()).containsExactly("marathon/qa/promo.json");
        assertThat(promoted.chain()).isEqualTo(written.id());
        assertThat(chain(start.id()).stream().filter(e -> e.data() instanceof PromotionFailed)
                .map(e -> (PromotionFailed) e.data()).toList())
                .extracting(PromotionFailed::toEnvironment, PromotionFailed::reason)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("uat", PromotionFailed.Reason.SUSPENDED),
                        org.assertj.core.groups.Tuple.tuple("perf", PromotionFailed.Reason.NO_DEFINITION));
        assertThat(chain(start.id())).as("the successful chain gets no sync of its own")
                .noneMatch(e -> e.data() instanceof ConfigSynced);

        // the commit: exactly the digest, the trailers naming the chain, the event and the environment it came from
        ConfigRepoResource.pull();
        org.eclipse.jgit.revwalk.RevCommit commit;
        try (org.eclipse.jgit.revwalk.RevWalk walk = new org.eclipse.jgit.revwalk.RevWalk(
                ConfigRepoResource.human.getRepository())) {
            commit = walk.parseCommit(ConfigRepoResource.human.getRepository().resolve("HEAD"));
        }
        assertThat(commit.name()).isEqualTo(promoted.configCommit());
        assertThat(commit.getParent(0).name()).isEqualTo(pinnedInDev);
        assertThat(commit.getFooterLines("Quayside-Source")).containsExactly(source);
        assertThat(commit.getFooterLines("Quayside-Promoted-From")).containsExactly("dev");
        assertThat(commit.getFooterLines("Quayside-Chain")).containsExactly(start.id());
        assertThat(commit.getFooterLines("Quayside-Event")).containsExactly(in.id());
        assertThat(java.nio.file.Files.readString(ConfigRepoResource.dir.resolve("human/marathon/qa/promo.json")))
                .isEqualTo(definition.formatted("qa", image));
        assertThat(java.nio.file.Files.readString(ConfigRepoResource.dir.resolve("human/marathon/uat/promo.json")))
                .contains("promo:old");

        // mirrored in the promotion's own chain; the image keys say which build qa runs
        // (this sync also brought the test's earlier commits: promo's definitions are announced as promo's, the
        // quayside.yml they changed in an announcement of the rest)
        await().atMost(Duration.ofSeconds(30)).until(() -> !chain(written.id()).isEmpty());
        assertThat(chain(written.id())).allSatisfy(e -> assertThat(e.data()).isInstanceOfSatisfying(
                ConfigSynced.class, s -> assertThat(s.toCommit()).isEqualTo(promoted.configCommit())));
        assertThat(inChain(written.id(), ConfigSynced.class)).filteredOn(s -> s.app() != null).singleElement()
                .satisfies(s -> {
                    assertThat(s.app()).isEqualTo("promo");
                    assertThat(s.keysPut()).contains("quayside/config/deploy/main/marathon/qa/promo.json");
                    assertThat(s.filesChanged()).allMatch(f -> f.endsWith("/promo.json"));
                });
        assertThat(kv("quayside/config/deploy/main/marathon/qa/promo.json")).contains(image);
        assertThat(kv("quayside/images/promo/qa")).isEqualTo(image);
        assertThat(kv("quayside/image-sources/promo/qa")).contains(source.substring("promo@".length()));

        // redelivered: nothing written; the same Promoted (same id) is announced again, no second sync
        List<String> syncIds = chain(written.id()).stream().map(EventEnvelope::id).distinct().toList();
        int seen = received.size();
        send(in);
        await().atMost(Duration.ofSeconds(30)).until(() -> received.stream().skip(seen)
                .anyMatch(e -> e.id().equals(written.id())));
        ConfigRepoResource.pull();
        assertThat(ConfigRepoResource.human.getRepository().resolve("HEAD").name()).isEqualTo(promoted.configCommit());
        assertThat(chain(written.id()).stream().map(EventEnvelope::id).distinct())
                .containsExactlyInAnyOrderElementsOf(syncIds);
    }

    private static final String GATED = "{\"id\":\"/%s/gated\",\"container\":{\"docker\":{\"image\":\"%s\"}}}\n";

    /** gated's environments: dev, and {@code policy} for the gated ones; returns nothing, pushes the commit. */
    private static void gatedEnvironments(String policy) throws Exception {
        ConfigRepoResource.pull();
        ConfigRepoResource.write("quayside.yml", policy);
        for (String env : List.of("appr", "soak")) {
            ConfigRepoResource.write("marathon/" + env + "/gated.json", GATED.formatted(env, "127.0.0.1:5000/gated:old"));
        }
        ConfigRepoResource.commitAndPush("gated's environments");
    }

    /** Pins {@code image} in dev (a write-back's commit) and sends its successful deployment there. */
    private EventEnvelope<ServiceDeployed> deployedInDev(String image, String sha) throws Exception {
        ConfigRepoResource.pull();
        ConfigRepoResource.write("marathon/dev/gated.json", GATED.formatted("dev", image));
        ConfigRepoResource.commitAndPush("Deploy gated to dev\n\nQuayside-Source: gated@" + sha + "\n");
        Deployment ran = new Deployment("gated", "dev", DeploymentTarget.MARATHON, "/dev/gated", "v1", image, "dep-g",
                900);
        EventEnvelope<CommitPushed> start = push("gated", "app", sha);
        EventEnvelope<ServiceDeployed> in = start.next(new ServiceDeployed(ran), "/test", Instant.now(), "deployed", sha);
        send(in);
        return in;
    }

    private static String head() throws Exception {
        ConfigRepoResource.pull();
        return ConfigRepoResource.human.getRepository().resolve("HEAD").name();
    }

    private static String file(String path) throws Exception {
        return java.nio.file.Files.readString(ConfigRepoResource.dir.resolve("human").resolve(path));
    }

    /** The events of {@code type} in chain {@code chainId}, in the order received. */
    private static <T> List<T> inChain(String chainId, Class<T> type) {
        return chain(chainId).stream().filter(e -> type.isInstance(e.data())).map(e -> type.cast(e.data())).toList();
    }

    private static io.restassured.specification.RequestSpecification operator() {
        return RestAssured.given().header("Authorization", "Bearer test-operator-token")
                .contentType(io.restassured.http.ContentType.JSON);
    }

    @Test
    @Order(7)
    void anApprovalGateWaitsAStaleApprovalIsAConflictAndAnApprovalPromotesTheSameDigest() throws Exception {
        gatedEnvironments("environments:\n  dev: {}\n  appr: {promote-from: dev, approval: required}\n");
        String sha1 = "7".repeat(40);
        String first = ConfigRepoResource.REGISTRY + "/gated:7777777@sha256:" + "7".repeat(64);
        EventEnvelope<ServiceDeployed> in1 = deployedInDev(first, sha1);
        String before = head();

        await().atMost(Duration.ofSeconds(60)).until(() -> chain(in1.chainId()).stream()
                .anyMatch(e -> e.data() instanceof PromotionWaiting));
        PromotionWaiting waiting = inChain(in1.chainId(), PromotionWaiting.class).get(0);
        assertThat(inChain(in1.chainId(), PromotionRequested.class)).singleElement().satisfies(r -> {
            assertThat(r.toEnvironment()).isEqualTo("appr");
            assertThat(r.gates()).containsExactly(PromotionWaiting.APPROVAL);
        });
        assertThat(waiting.toEnvironment()).isEqualTo("appr");
        assertThat(waiting.image()).isEqualTo(first);
        assertThat(waiting.gates()).containsExactly(PromotionWaiting.APPROVAL);
        assertThat(waiting.approvalRequired()).isTrue();
        assertThat(waiting.soakUntil()).isNull();
        assertThat(chain(in1.chainId())).noneMatch(e -> e.data() instanceof Promoted);
        assertThat(head()).as("nothing written while it waits").isEqualTo(before);
        assertThat(file("marathon/appr/gated.json")).contains("gated:old");
        assertThat(kv("quayside/promotions/deploy/gated/appr")).contains(first).contains(in1.id());
        RestAssured.given().get("/api/promotions").then().statusCode(401);
        operator().get("/api/promotions").then().statusCode(200)
                .body("find { it.app == 'gated' }.image", Matchers.equalTo(first))
                .body("find { it.app == 'gated' }.waitingFor", Matchers.contains("approval"));

        // a newer success in dev replaces it; the older one is announced SUPERSEDED
        String sha2 = "8".repeat(40);
        String second = ConfigRepoResource.REGISTRY + "/gated:8888888@sha256:" + "8".repeat(64);
        EventEnvelope<ServiceDeployed> in2 = deployedInDev(second, sha2);
        await().atMost(Duration.ofSeconds(60)).until(() -> chain(in2.chainId()).stream()
                .anyMatch(e -> e.data() instanceof PromotionWaiting));
        await().atMost(Duration.ofSeconds(10)).until(() -> chain(in1.chainId()).stream()
                .anyMatch(e -> e.data() instanceof PromotionFailed));
        assertThat(inChain(in1.chainId(), PromotionFailed.class)).singleElement().satisfies(f -> {
                    assertThat(f.reason()).isEqualTo(PromotionFailed.Reason.SUPERSEDED);
                    assertThat(f.image()).isEqualTo(first);
                });
        assertThat(kv("quayside/promotions/deploy/gated/appr")).contains(second).doesNotContain(first);
        String pinnedSecond = head();

        // the operator approves what they saw (the older image): 409, nothing written; unknown ones are 404
        operator().body("{\"image\": \"" + first + "\"}").post("/api/promotions/deploy/gated/appr/approve").then()
                .statusCode(409).body("error", Matchers.containsString(second));
        operator().post("/api/promotions/deploy/other/appr/approve").then().statusCode(404);
        operator().post("/api/promotions/nowhere/gated/appr/reject").then().statusCode(404);
        operator().body("[1]").post("/api/promotions/deploy/gated/appr/approve").then().statusCode(400);
        RestAssured.given().post("/api/promotions/deploy/gated/appr/approve").then().statusCode(401);
        Thread.sleep(1500); // two reconciler passes: an unapproved promotion stays unwritten
        assertThat(head()).isEqualTo(pinnedSecond);
        assertThat(chain(in2.chainId())).as("a refused approval announces none")
                .noneMatch(e -> e.data() instanceof PromotionApproved);
        assertThat(file("marathon/appr/gated.json")).contains("gated:old");

        // approved: the promotion commit with the same digest, and Promoted in the second deployment's chain
        operator().body("{\"image\": \"" + second + "\", \"by\": \"ada\"}")
                .post("/api/promotions/deploy/gated/appr/approve").then().statusCode(200)
                .body("approved", Matchers.is(true)).body("promoted", Matchers.is(true));
        await().atMost(Duration.ofSeconds(30)).until(() -> chain(in2.chainId()).stream()
                .anyMatch(e -> e.data() instanceof Promoted));
        Promoted promoted = inChain(in2.chainId(), Promoted.class).get(0);
        assertThat(promoted.toEnvironment()).isEqualTo("appr");
        assertThat(promoted.image()).isEqualTo(second);
        assertThat(promoted.source()).isEqualTo("gated@" + sha2);
        assertThat(head()).isEqualTo(promoted.configCommit());
        // the approval is announced in the same chain, before the Promoted it led to, with the gates still open
        assertThat(inChain(in2.chainId(), PromotionApproved.class)).singleElement().satisfies(a -> {
            assertThat(a.image()).isEqualTo(second);
            assertThat(a.approvedBy()).isEqualTo("ada");
            assertThat(a.toEnvironment()).isEqualTo("appr");
            assertThat(a.gates()).as("nothing else waited").isEmpty();
        });
        List<String> order = chain(in2.chainId()).stream().map(e -> e.data().getClass().getSimpleName())
                .filter(c -> c.equals("PromotionApproved") || c.equals("Promoted")).toList();
        assertThat(order).containsExactly("PromotionApproved", "Promoted");
        assertThat(file("marathon/appr/gated.json")).isEqualTo(GATED.formatted("appr", second));
        org.eclipse.jgit.revwalk.RevCommit commit;
        try (org.eclipse.jgit.revwalk.RevWalk walk = new org.eclipse.jgit.revwalk.RevWalk(
                ConfigRepoResource.human.getRepository())) {
            commit = walk.parseCommit(ConfigRepoResource.human.getRepository().resolve("HEAD"));
        }
        assertThat(commit.getFooterLines("Quayside-Promoted-From")).containsExactly("dev");
        assertThat(commit.getFooterLines("Quayside-Event")).containsExactly(in2.id());
        assertThat(kv("quayside/promotions/deploy/gated/appr")).isNull();
        operator().post("/api/promotions/deploy/gated/appr/approve").then().statusCode(404);
    }

    @Test
    @Order(8)
    void aRejectedPromotionWritesNothingAndSaysWhoAndWhy() throws Exception {
        gatedEnvironments("environments:\n  dev: {}\n  appr: {promote-from: dev, approval: required}\n");
        String image = ConfigRepoResource.REGISTRY + "/gated:9999999@sha256:" + "9".repeat(64);
        EventEnvelope<ServiceDeployed> in = deployedInDev(image, "9".repeat(40));
        String before = head();
        await().atMost(Duration.ofSeconds(60)).until(() -> chain(in.chainId()).stream()
                .anyMatch(e -> e.data() instanceof PromotionWaiting));
        String waitingId = chain(in.chainId()).stream().filter(e -> e.data() instanceof PromotionWaiting)
                .map(EventEnvelope::id).findFirst().orElseThrow();
        String record = kv("quayside/promotions/deploy/gated/appr");

        // redelivered while it waits: the same PromotionWaiting (same id) again, the record unchanged
        int seen = received.size();
        send(in);
        await().atMost(Duration.ofSeconds(30)).until(() -> received.stream().skip(seen)
                .anyMatch(e -> e.id().equals(waitingId)));
        assertThat(kv("quayside/promotions/deploy/gated/appr")).isEqualTo(record);
        assertThat(chain(in.chainId())).noneMatch(e -> e.data() instanceof PromotionFailed);

        operator().body("{\"image\": \"" + image + "\", \"by\": \"ada\", \"reason\": \"not on a Friday\"}")
                .post("/api/promotions/deploy/gated/appr/reject").then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> chain(in.chainId()).stream()
                .anyMatch(e -> e.data() instanceof PromotionFailed));
        assertThat(inChain(in.chainId(), PromotionFailed.class)).singleElement().satisfies(f -> {
                    assertThat(f.reason()).isEqualTo(PromotionFailed.Reason.REJECTED);
                    assertThat(f.toEnvironment()).isEqualTo("appr");
                    assertThat(f.message()).contains("ada").contains("not on a Friday");
                });
        assertThat(kv("quayside/promotions/deploy/gated/appr")).isNull();
        Thread.sleep(1500);
        assertThat(head()).isEqualTo(before);
        assertThat(file("marathon/appr/gated.json")).doesNotContain(image);
        assertThat(chain(in.chainId())).noneMatch(e -> e.data() instanceof Promoted);
        operator().post("/api/promotions/deploy/gated/appr/reject").then().statusCode(404);

        // an image without a digest can never be promoted: refused at once, nothing waits for an approval
        String tagOnly = ConfigRepoResource.REGISTRY + "/gated:0000000";
        EventEnvelope<ServiceDeployed> unpinned = deployedInDev(tagOnly, "a".repeat(40));
        await().atMost(Duration.ofSeconds(60)).until(() -> chain(unpinned.chainId()).stream()
                .anyMatch(e -> e.data() instanceof PromotionFailed));
        assertThat(inChain(unpinned.chainId(), PromotionFailed.class)).singleElement().satisfies(f -> {
                    assertThat(f.reason()).isEqualTo(PromotionFailed.Reason.NOT_PINNED);
                    assertThat(f.toEnvironment()).isEqualTo("appr");
                    assertThat(f.message()).contains("not pinned by digest");
                });
        assertThat(chain(unpinned.chainId())).noneMatch(e -> e.data() instanceof PromotionWaiting);
        assertThat(kv("quayside/promotions/deploy/gated/appr")).isNull();
        operator().get("/api/promotions").then().statusCode(200).body("findAll { it.app == 'gated' }",
                Matchers.empty());
    }

    @Test
    @Order(9)
    void aSoakGateWritesNothingBeforeItsTimeAndThePromotionAfterAndARollbackCancelsIt() throws Exception {
        gatedEnvironments("environments:\n  dev: {}\n  soak: {promote-from: dev, soak: 3s}\n");
        String image = ConfigRepoResource.REGISTRY + "/gated:5555555@sha256:" + "5".repeat(64);
        String before = head();
        EventEnvelope<ServiceDeployed> in = deployedInDev(image, "5".repeat(40));
        String pinned = head();
        await().atMost(Duration.ofSeconds(60)).until(() -> chain(in.chainId()).stream()
                .anyMatch(e -> e.data() instanceof PromotionWaiting));
        PromotionWaiting waiting = inChain(in.chainId(), PromotionWaiting.class).get(0);
        assertThat(waiting.gates()).containsExactly(PromotionWaiting.SOAK);
        String record = kv("quayside/promotions/deploy/gated/soak");
        assertThat(record).contains(image).contains(in.id());
        Instant until = Instant.parse(waiting.soakUntil());
        assertThat(Duration.between(Instant.parse(waiting.requestedAt()), until)).isEqualTo(Duration.ofSeconds(3));
        assertThat(head()).as("nothing before the soak time is over").isEqualTo(pinned).isNotEqualTo(before);
        assertThat(chain(in.chainId())).noneMatch(e -> e.data() instanceof Promoted);

        await().atMost(Duration.ofSeconds(30)).until(() -> chain(in.chainId()).stream()
                .anyMatch(e -> e.data() instanceof Promoted));
        Promoted promoted = inChain(in.chainId(), Promoted.class).get(0);
        assertThat(Instant.now()).isAfter(until);
        assertThat(promoted.toEnvironment()).isEqualTo("soak");
        assertThat(head()).isEqualTo(promoted.configCommit());
        assertThat(file("marathon/soak/gated.json")).isEqualTo(GATED.formatted("soak", image));
        await().atMost(Duration.ofSeconds(10)).until(() -> kv("quayside/promotions/deploy/gated/soak") == null);
        EventEnvelope<?> announced = chain(in.chainId()).stream().filter(e -> e.data() instanceof Promoted)
                .findFirst().orElseThrow();

        // a crash after the push, before the record's deletion: the record is back, the next pass writes nothing new
        // and announces the same Promoted (same id) again, then deletes the record
        int seen = received.size();
        HttpResponse<String> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                ConsulProcessResource.url + "/v1/kv/quayside/promotions/deploy/gated/soak"))
                .PUT(HttpRequest.BodyPublishers.ofString(record)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> received.stream().skip(seen)
                .anyMatch(e -> e.id().equals(announced.id())));
        await().atMost(Duration.ofSeconds(10)).until(() -> kv("quayside/promotions/deploy/gated/soak") == null);
        assertThat(head()).isEqualTo(promoted.configCommit());

        // a longer soak, and the image is rolled back in dev meanwhile: SOAK_FAILED, nothing written
        gatedEnvironments("environments:\n  dev: {}\n  soak: {promote-from: dev, soak: 1h}\n");
        String failing = ConfigRepoResource.REGISTRY + "/gated:6666666@sha256:" + "6".repeat(64);
        EventEnvelope<ServiceDeployed> in2 = deployedInDev(failing, "6".repeat(40));
        await().atMost(Duration.ofSeconds(60)).until(() -> chain(in2.chainId()).stream()
                .anyMatch(e -> e.data() instanceof PromotionWaiting));
        String beforeRollback = head();
        Deployment failed = new Deployment("gated", "dev", DeploymentTarget.MARATHON, "/dev/gated", "v2", failing,
                "dep-h", 900);
        send(in2.next(new dev.quayside.events.DeploymentFailed(failed,
                dev.quayside.events.DeploymentFailed.Reason.HEALTH_CHECK, "unhealthy", "marathon/dev/gated.json", null),
                "/test", Instant.now(), "unhealthy"));
        await().atMost(Duration.ofSeconds(30)).until(() -> chain(in2.chainId()).stream()
                .anyMatch(e -> e.data() instanceof PromotionFailed));
        assertThat(inChain(in2.chainId(), PromotionFailed.class)).singleElement()
                .satisfies(f -> assertThat(f.reason()).isEqualTo(PromotionFailed.Reason.SOAK_FAILED));
        await().atMost(Duration.ofSeconds(10)).until(() -> kv("quayside/promotions/deploy/gated/soak") == null);
        assertThat(head()).isEqualTo(beforeRollback);
        assertThat(file("marathon/soak/gated.json")).doesNotContain(failing);
    }

    @Test
    @Order(10)
    void aDeploymentWindowHoldsAPromotionWhileItIsClosedAndLetsItThroughWhileItIsOpen() throws Exception {
        // an environment of its own ("win", nothing promoted there before); its window opens for one minute, half an
        // hour from now (UTC): closed now and for the whole test
        java.time.ZonedDateTime later = Instant.now().plus(Duration.ofMinutes(30)).atZone(java.time.ZoneOffset.UTC);
        windowEnvironment("{schedule: \"" + later.getMinute() + " " + later.getHour() + " * * *\", duration: 1m,"
                + " time-zone: UTC}");
        String held = ConfigRepoResource.REGISTRY + "/gated:9999999@sha256:" + "9".repeat(64);
        EventEnvelope<ServiceDeployed> in = deployedInDev(held, "9".repeat(40));
        await().atMost(Duration.ofSeconds(60)).until(() -> chain(in.chainId()).stream()
                .anyMatch(e -> e.data() instanceof PromotionWaiting));
        assertThat(inChain(in.chainId(), PromotionWaiting.class)).singleElement()
                .satisfies(w -> assertThat(w.toEnvironment()).isEqualTo("win"))
                .satisfies(w -> assertThat(w.gates()).containsExactly(PromotionWaiting.WINDOW));
        String pinned = head();
        Thread.sleep(3_000); // three passes of the promotion check (1 s here)
        assertThat(head()).as("nothing while the window is closed").isEqualTo(pinned);
        assertThat(chain(in.chainId())).noneMatch(e -> e.data() instanceof Promoted);
        assertThat(kv("quayside/promotions/deploy/gated/win")).contains(held);

        // a window open every minute of the day: the next deployment goes through at once (the held one superseded)
        windowEnvironment("{schedule: \"* * * * *\", duration: 1m}");
        String open = ConfigRepoResource.REGISTRY + "/gated:aaaaaaa@sha256:" + "a".repeat(64);
        EventEnvelope<ServiceDeployed> in2 = deployedInDev(open, "a".repeat(40));
        await().atMost(Duration.ofSeconds(60)).until(() -> chain(in2.chainId()).stream()
                .anyMatch(e -> e.data() instanceof Promoted));
        ConfigRepoResource.pull();
        assertThat(file("marathon/win/gated.json")).isEqualTo(GATED.formatted("win", open));
        assertThat(inChain(in.chainId(), PromotionFailed.class)).singleElement()
                .satisfies(f -> assertThat(f.reason()).isEqualTo(PromotionFailed.Reason.SUPERSEDED));
        await().atMost(Duration.ofSeconds(10)).until(() -> kv("quayside/promotions/deploy/gated/win") == null);
    }

    @Test
    @Order(11)
    void suspendResumeAndRollbackAreCommitsThatTheMirrorCarriesToConsul() throws Exception {
        String v1 = ConfigRepoResource.REGISTRY + "/shop:1111111";
        String v2 = ConfigRepoResource.REGISTRY + "/shop:2222222";
        ConfigRepoResource.pull();
        ConfigRepoResource.write("marathon/steer/shop.json", GATED.formatted("steer", v1));
        ConfigRepoResource.commitAndPush("shop in steer");
        ConfigRepoResource.write("marathon/steer/shop.json", GATED.formatted("steer", v2));
        ConfigRepoResource.commitAndPush("shop 2 in steer");

        RestAssured.given().post("/api/apps/shop/steer/suspend").then().statusCode(401);
        RestAssured.given().get("/api/suspensions").then().statusCode(401);
        operator().body("[1]").post("/api/apps/shop/steer/suspend").then().statusCode(400)
                .body("error", Matchers.containsString("the body must be a JSON object"));
        operator().post("/api/apps/nothing/steer/suspend").then().statusCode(404)
                .body("error", Matchers.equalTo("deploy has no definition of nothing in steer"
                        + " (marathon/steer/.../nothing.json or chronos/...)"));
        operator().post("/api/apps/sh op/steer/suspend").then().statusCode(400)
                .body("error", Matchers.containsString("'sh op' is not an app name"));
        operator().body("{\"repository\": \"elsewhere\"}").post("/api/apps/shop/steer/suspend").then()
                .statusCode(404).body("error", Matchers.equalTo("no config repository 'elsewhere' is configured"));

        // suspend: a commit; its sync puts the suspension key marathon-applier reads
        String suspended = operator().body("{\"by\": \"ada\", \"reason\": \"smoke test\"}")
                .post("/api/apps/shop/steer/suspend").then().statusCode(200)
                .body("repository", Matchers.equalTo("deploy")).body("action", Matchers.equalTo("suspend"))
                .body("file", Matchers.equalTo(".quayside/suspended/steer/shop.yml")).extract().path("commit");
        assertThat(suspended).isEqualTo(head());
        send(push("deploy", "config", suspended));
        await().atMost(Duration.ofSeconds(30)).until(() -> suspended.equals(kv("quayside/suspended/shop/steer")));
        operator().get("/api/suspensions").then().statusCode(200)
                .body("find { it.app == 'shop' }.environment", Matchers.equalTo("steer"))
                .body("find { it.app == 'shop' }.declaredIn", Matchers.equalTo(".quayside/suspended/steer/shop.yml"))
                .body("find { it.app == 'shop' }.by", Matchers.equalTo("ada"))
                .body("find { it.app == 'shop' }.reason", Matchers.equalTo("smoke test"))
                .body("find { it.app == 'shop' }.commit", Matchers.equalTo(suspended));
        operator().post("/api/apps/shop/steer/rollback").then().statusCode(409)
                .body("error", Matchers.containsString("shop is suspended in steer: a rollback would not be applied"));

        // resume: the file deleted; its sync deletes the key and lists the definition to be applied again
        String resumed = operator().post("/api/apps/shop/steer/resume").then().statusCode(200)
                .body("action", Matchers.equalTo("resume")).extract().path("commit");
        EventEnvelope<CommitPushed> resumePush = push("deploy", "config", resumed);
        send(resumePush);
        await().atMost(Duration.ofSeconds(30)).until(() -> kv("quayside/suspended/shop/steer") == null);
        await().atMost(Duration.ofSeconds(30)).until(() -> !inChain(resumePush.chainId(), ConfigSynced.class)
                .isEmpty());
        assertThat(inChain(resumePush.chainId(), ConfigSynced.class).get(0).filesChanged())
                .contains("marathon/steer/shop.json");
        operator().post("/api/apps/shop/steer/resume").then().statusCode(404);
        assertThat(head()).isEqualTo(resumed);

        // rollback: the version before the last change, carried to Consul by its sync
        String back = operator().body("{\"reason\": \"2222222 breaks checkout\"}")
                .post("/api/apps/shop/steer/rollback").then().statusCode(200)
                .body("fromImage", Matchers.equalTo(v2)).body("toImage", Matchers.equalTo(v1)).extract().path("commit");
        send(push("deploy", "config", back));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> String.valueOf(kv("quayside/config/deploy/main/marathon/steer/shop.json")).contains(v1));
        operator().body("{\"to\": \"1111111\"}").post("/api/apps/shop/steer/rollback").then().statusCode(409)
                .body("error", Matchers.containsString("already runs " + v1));
        operator().body("{\"to\": \"7777777\"}").post("/api/apps/shop/steer/rollback").then().statusCode(404);
        assertThat(head()).isEqualTo(back);
    }

    @Test
    @Order(12)
    void aBuildFollowedWhileSuspendedIsHeldAndPinnedWhenTheAppIsResumed() throws Exception {
        // shop in steer (order 11) at 1111111; suspended, then a build of shop's main arrives
        operator().post("/api/apps/shop/steer/suspend").then().statusCode(200);
        String sha = "3".repeat(40);
        EventEnvelope<CommitPushed> start = push("shop", "app", sha);
        String digest = "sha256:" + "3".repeat(64);
        ImageBuilt built = new ImageBuilt("shop", "shop", sha, "main", ConfigRepoResource.REGISTRY, "shop", "3333333",
                List.of("main"), digest, "pkg:oci/shop@sha256%3A" + "3".repeat(64), Map.of(), false);
        send(start.next(built, "/test", Instant.now(), "build"));
        await().atMost(Duration.ofSeconds(60)).until(() -> !inChain(start.id(), TagUpdated.class).isEmpty());
        assertThat(inChain(start.id(), TagUpdated.class).get(0).reason()).isEqualTo("shop is suspended in steer");
        String suspendedAt = head();
        assertThat(file("marathon/steer/shop.json")).doesNotContain("3333333");
        assertThat(kv("quayside/held-builds/shop/steer")).contains(built.pinnedReference()).contains(sha);

        // resumed: one commit deletes the suspension and pins the held build, which the image keys then record
        io.restassured.path.json.JsonPath resumed = operator().body("{\"by\": \"ada\"}")
                .post("/api/apps/shop/steer/resume").then().statusCode(200)
                .body("toImage", Matchers.equalTo(built.pinnedReference())).extract().jsonPath();
        assertThat(resumed.getString("message")).contains("the newest build it followed while suspended");
        assertThat(head()).isNotEqualTo(suspendedAt).isEqualTo(resumed.getString("commit"));
        assertThat(file("marathon/steer/shop.json")).contains(built.pinnedReference());
        assertThat(java.nio.file.Files.exists(ConfigRepoResource.dir.resolve("human")
                .resolve(".quayside/suspended/steer/shop.yml"))).isFalse();
        assertThat(PipelineText.lastMessage()).contains("Quayside-Source: shop@" + sha)
                .contains("Quayside-Action: resume");
        assertThat(kv("quayside/held-builds/shop/steer")).isNull();
        assertThat(kv("quayside/images/shop/steer")).isEqualTo(built.pinnedReference());
    }

    @Test
    @Order(13)
    void aBurstOfBuildsIsWrittenBackAndEachChainHearsOfItsOwnDefinitionOnly() throws Exception {
        int apps = 8;
        ConfigRepoResource.pull();
        for (int i = 0; i < apps; i++) {
            ConfigRepoResource.write("marathon/burst/app" + i + ".json", GATED.formatted("burst",
                    ConfigRepoResource.REGISTRY + "/burst" + i + ":old"));
        }
        ConfigRepoResource.commitAndPush("the burst environment");
        operator().post("/api/sync/deploy/main").then().statusCode(200); // Consul has everything before the burst
        List<EventEnvelope<CommitPushed>> starts = new ArrayList<>();
        for (int i = 0; i < apps; i++) {
            String sha = String.valueOf((char) ('a' + i)).repeat(40);
            EventEnvelope<CommitPushed> start = push("burst" + i, "app", sha);
            String digest = "sha256:" + String.valueOf((char) ('a' + i)).repeat(64);
            ImageBuilt built = new ImageBuilt("burst" + i, "burst" + i, sha, "main", ConfigRepoResource.REGISTRY,
                    "burst" + i, sha.substring(0, 7), List.of("main"), digest, "pkg:oci/burst" + i, Map.of(), false);
            send(start.next(built, "/test", Instant.now(), "build"));
            starts.add(start);
        }
        for (int i = 0; i < apps; i++) {
            EventEnvelope<CommitPushed> start = starts.get(i);
            String file = "marathon/burst/app" + i + ".json";
            await().atMost(Duration.ofSeconds(60)).until(() -> !inChain(start.id(), ConfigSynced.class).isEmpty());
            TagUpdated tag = inChain(start.id(), TagUpdated.class).get(0);
            assertThat(tag.outcome()).isEqualTo(TagUpdated.Outcome.UPDATED);
            assertThat(inChain(start.id(), ConfigSynced.class)).as("chain of burst" + i).singleElement()
                    .satisfies(s -> assertThat(s.filesChanged()).containsExactly(file))
                    .satisfies(s -> assertThat(s.toCommit()).isEqualTo(tag.commitWritten()));
        }
    }

    @Test
    @Order(14)
    void aCommitChangingTwoAppsIsAnnouncedOncePerAppKeyedByTheAppAndAgainWithTheSameIds() throws Exception {
        ConfigRepoResource.pull();
        ConfigRepoResource.write("marathon/dev/left.json", GATED.formatted("dev", ConfigRepoResource.REGISTRY + "/left:1"));
        ConfigRepoResource.write("marathon/staging/left.json",
                GATED.formatted("staging", ConfigRepoResource.REGISTRY + "/left:1"));
        ConfigRepoResource.write("marathon/dev/right.json",
                GATED.formatted("dev", ConfigRepoResource.REGISTRY + "/right:1"));
        ConfigRepoResource.write("notes/two-apps.txt", "left and right");
        String commit = ConfigRepoResource.commitAndPush("left and right");
        EventEnvelope<CommitPushed> pushed = push("deploy", "config", commit);
        send(pushed);
        await().atMost(Duration.ofSeconds(60)).until(() -> inChain(pushed.id(), ConfigSynced.class).size() >= 3);
        List<EventEnvelope<?>> first = chain(pushed.id());
        String prefix = "quayside/config/deploy/main/";
        assertThat(first).extracting(e -> ((ConfigSynced) e.data()).app()).containsExactly("left", "right", null);
        assertThat(first).extracting(e -> keys.get(e.id())).containsExactly("left", "right", "deploy/main");
        assertThat(first).extracting(e -> e.data().subjectId()).containsExactly("deploy/main@" + commit + "#left",
                "deploy/main@" + commit + "#right", "deploy/main@" + commit);
        ConfigSynced left = (ConfigSynced) first.get(0).data();
        assertThat(left.filesChanged()).containsExactly("marathon/dev/left.json", "marathon/staging/left.json");
        assertThat(left.keysPut()).containsExactly(prefix + "marathon/dev/left.json",
                prefix + "marathon/staging/left.json");
        ConfigSynced right = (ConfigSynced) first.get(1).data();
        assertThat(right.filesChanged()).containsExactly("marathon/dev/right.json");
        assertThat(right.keysPut()).containsExactly(prefix + "marathon/dev/right.json");
        ConfigSynced rest = (ConfigSynced) first.get(2).data();
        assertThat(rest.filesChanged()).containsExactly("notes/two-apps.txt");
        assertThat(rest.keysPut()).containsExactly(prefix + "notes/two-apps.txt");
        assertThat(first).extracting(EventEnvelope::id).doesNotHaveDuplicates();
        for (EventEnvelope<?> e : first) {
            assertThat(((ConfigSynced) e.data()).toCommit()).isEqualTo(commit);
        }

        // a crash between the Consul write and the events: the sync is announced again, in the same chain, with the
        // same ids (consumers take them as redeliveries), also after the service restarts (the reconcile)
        String record = kv("quayside/config/deploy/main.sync");
        assertThat(record).contains("\"announced\":true");
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(ConsulProcessResource.url
                + "/v1/kv/quayside/config/deploy/main.sync")).PUT(HttpRequest.BodyPublishers.ofString(
                record.replace("\"announced\":true", "\"announced\":false"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(reconciler.reconcile(Duration.ZERO)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> chain(pushed.id()).size() >= 6);
        List<EventEnvelope<?>> again = chain(pushed.id()).subList(3, 6);
        assertThat(again).extracting(EventEnvelope::id).containsExactlyElementsOf(
                first.stream().map(EventEnvelope::id).toList());
        assertThat(again.stream().map(e -> (Object) e.data()).toList())
                .isEqualTo(first.stream().map(e -> (Object) e.data()).toList());
        assertThat(kv("quayside/config/deploy/main.sync")).contains("\"announced\":true");
        // and the push itself redelivered: Consul has the commit and its announcement, nothing new
        send(pushed);
        Thread.sleep(2000);
        assertThat(chain(pushed.id())).hasSize(6);
    }

    /** The config repository's last commit message, as the human's clone has it after a pull. */
    private static final class PipelineText {
        static String lastMessage() throws Exception {
            ConfigRepoResource.pull();
            try (org.eclipse.jgit.revwalk.RevWalk walk = new org.eclipse.jgit.revwalk.RevWalk(
                    ConfigRepoResource.human.getRepository())) {
                return walk.parseCommit(ConfigRepoResource.human.getRepository().resolve("HEAD")).getFullMessage();
            }
        }
    }

    /** gated's environments: dev, and "win" promoted from it inside {@code window}; its definition on first use. */
    private static void windowEnvironment(String window) throws Exception {
        ConfigRepoResource.pull();
        ConfigRepoResource.write("quayside.yml", "environments:\n  dev: {}\n  win:\n    promote-from: dev\n"
                + "    windows:\n      - " + window + "\n");
        if (!java.nio.file.Files.exists(ConfigRepoResource.dir.resolve("human").resolve("marathon/win/gated.json"))) {
            ConfigRepoResource.write("marathon/win/gated.json", GATED.formatted("win", "127.0.0.1:5000/gated:old"));
        }
        ConfigRepoResource.commitAndPush("gated's window environment");
    }
}
