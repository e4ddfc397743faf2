package dev.quayside.configsyncer.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.configsyncer.client.ConsulClient;
import dev.quayside.configsyncer.client.GitClient;
import dev.quayside.configsyncer.service.ConfigRepo;
import dev.quayside.configsyncer.service.ImageBuiltHandler;
import dev.quayside.configsyncer.service.SyncSettings;
import dev.quayside.configsyncer.service.TestRepo;
import dev.quayside.devstack.consul.ConsulStandIn;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.EventEnvelope;
import dev.quayside.events.ImageBuilt;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Job 2 against real Git repositories and the devstack Consul stand-in. */
class MirrorServiceTest {

    static Vertx vertx;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    ConsulStandIn consul;
    ConsulClient client;
    TestRepo repo;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.closeAndAwait();
    }

    @BeforeEach
    void setUp() throws Exception {
        consul = ConsulStandIn.start();
        client = new ConsulClient(vertx, consul.url(), null, Duration.ofSeconds(5), null);
        repo = TestRepo.create(dir);
    }

    @AfterEach
    void tearDown() {
        repo.close();
        consul.close();
    }

    MirrorService mirror(SyncSettings settings) {
        return new MirrorService(new GitClient(dir.resolve("syncer")), client, settings);
    }

    /** Every key and value under {@code prefix} in the stand-in. */
    String syncRecord(String key) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(consul.url() + "/v1/kv/" + key + "?raw"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** The stand-in's entries under {@code prefix} (Key, Value, ModifyIndex, ...). */
    JsonArray entries(String prefix) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(consul.url() + "/v1/kv/" + prefix
                + "?recurse")).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 404 ? new JsonArray() : new JsonArray(r.body());
    }

    Map<String, String> kv(String prefix) throws Exception {
        Map<String, String> out = new TreeMap<>();
        JsonArray entries = entries(prefix);
        for (int i = 0; i < entries.size(); i++) {
            JsonObject e = entries.getJsonObject(i);
            String v = e.getString("Value");
            if (e.getString("Key").endsWith(".sync")) {
                continue; // the record of the last sync: see syncRecord
            }
            out.put(e.getString("Key"), v == null ? "" : new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8));
        }
        return out;
    }

    void put(String key, String value) throws Exception {
        HTTP.send(HttpRequest.newBuilder(URI.create(consul.url() + "/v1/kv/" + key))
                .PUT(HttpRequest.BodyPublishers.ofString(value)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static Map<String, String> files(Object... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (String) kv[i + 1]);
        }
        return m;
    }

    @Test
    void aBatchOfCommitsIsMirroredOneCommitAtATimeEachInItsChainAndNeverRewound() throws Exception {
        ConfigRepo config = ConfigRepo.of("deploy", repo.url(), MirrorOptions.defaults());
        RevCommit c0 = repo.commit("zero", files("marathon/dev/a.json", "{\"id\":\"/a\"}", "marathon/dev/b.json",
                "{\"id\":\"/b\"}"));
        repo.push();
        MirrorService mirror = mirror(SyncSettings.defaults());
        assertThat(mirror.sync(config, "main")).isPresent();
        mirror.announced(config, "main", c0.name());
        RevCommit c1 = repo.commit("a", files("marathon/dev/a.json", "{\"id\":\"/a\",\"instances\":2}"));
        RevCommit c2 = repo.commit("b", files("marathon/dev/b.json", "{\"id\":\"/b\",\"instances\":2}"));
        repo.push(); // both in one push, as a batch of write-backs is

        ConfigSynced first = mirror.sync(config, "main", "chain-a", c1).orElseThrow();
        assertThat(first.toCommit()).isEqualTo(c1.name());
        assertThat(first.filesChanged()).containsExactly("marathon/dev/a.json");
        assertThat(kv("quayside/config/deploy/main.ref")).containsValue(c1.name());
        ConfigSynced second = mirror.sync(config, "main", "chain-b", c2).orElseThrow();
        assertThat(second.fromCommit()).isEqualTo(c1.name());
        assertThat(second.filesChanged()).containsExactly("marathon/dev/b.json");

        // Consul has c2: a sync up to c1 (a late one) is nothing to do, never a rewind to c1
        assertThat(mirror.sync(config, "main", "chain-a", c1)).isEmpty();
        assertThat(kv("quayside/config/deploy/main.ref")).containsValue(c2.name());

        // the first sync announced after the second replaced its record: its chain is still recorded as told
        mirror.announced(config, "main", c1.name(), "chain-a");
        mirror.announced(config, "main", c2.name(), "chain-b");
        assertThat(mirror.syncedElsewhere(config, "main", List.of("marathon/dev/a.json"), "chain-a")).isEmpty();
        assertThat(mirror.syncedElsewhere(config, "main", List.of("marathon/dev/b.json"), "chain-b")).isEmpty();
        assertThat(mirror.syncedElsewhere(config, "main", List.of("marathon/dev/a.json"), "chain-c"))
                .as("a chain never told hears of its files").isPresent();
    }

    @Test
    void initialIncrementalDeleteAndForcePushConvergeToTheGitState() throws Exception {
        ConfigRepo config = ConfigRepo.of("deploy", repo.url(), MirrorOptions.defaults());
        MirrorService mirror = mirror(SyncSettings.defaults());
        String p = "quayside/config/deploy/main/";
        // a similarly named key that git2consul's prefix delete would have taken
        put("quayside/config/deploy/main/test_dev", "not from git");
        RevCommit c1 = repo.commit("one", files("marathon/prod/web.json", "{\"id\":\"/web\"}",
                "test", "t", "chronos/dev/job.json", "{\"name\":\"job\"}", "README.md", "hello"));
        repo.push();

        ConfigSynced first = mirror.sync(config, "main").orElseThrow();
        assertThat(first.outcome()).isEqualTo(ConfigSynced.Outcome.SYNCED);
        assertThat(first.fullResync()).isTrue();
        assertThat(first.fromCommit()).isNull();
        assertThat(first.toCommit()).isEqualTo(c1.name());
        assertThat(first.keysDeleted()).containsExactly(p + "test_dev");
        assertThat(first.consulIndex()).isPositive();
        assertThat(kv("quayside/config/deploy/")).isEqualTo(Map.of(p + "marathon/prod/web.json", "{\"id\":\"/web\"}",
                p + "test", "t", p + "chronos/dev/job.json", "{\"name\":\"job\"}", p + "README.md", "hello",
                "quayside/config/deploy/main.ref", c1.name()));

        // the record of the sync, written with the ref: which commit, not yet announced
        JsonObject record = new JsonObject(syncRecord("quayside/config/deploy/main.sync"));
        assertThat(record.getString("commit")).isEqualTo(c1.name());
        assertThat(record.getBoolean("announced")).isFalse();
        assertThat(record.getBoolean("fullResync")).isTrue();
        assertThat(mirror.unannounced(config, "main", java.time.Duration.ZERO)).hasValueSatisfying(u -> {
            assertThat(u.event().toCommit()).isEqualTo(c1.name());
            assertThat(u.event().keysPut()).containsExactlyInAnyOrderElementsOf(first.keysPut());
        });
        mirror.announced(config, "main", c1.name());
        assertThat(new JsonObject(syncRecord("quayside/config/deploy/main.sync")).getBoolean("announced")).isTrue();
        assertThat(mirror.unannounced(config, "main", java.time.Duration.ZERO)).isEmpty();

        // nothing new: nothing written, nothing announced
        assertThat(mirror.sync(config, "main")).isEmpty();

        RevCommit c2 = repo.commit("two", files("marathon/prod/web.json", "{\"id\":\"/web\",\"instances\":2}",
                "test", null, "marathon/dev/new.json", "{}"));
        repo.push();
        ConfigSynced second = mirror.sync(config, "main").orElseThrow();
        assertThat(second.fullResync()).isFalse();
        assertThat(second.fromCommit()).isEqualTo(c1.name());
        assertThat(second.keysPut()).containsExactlyInAnyOrder(p + "marathon/prod/web.json", p + "marathon/dev/new.json");
        assertThat(second.keysDeleted()).containsExactly(p + "test");
        assertThat(second.filesChanged()).containsExactlyInAnyOrder("marathon/prod/web.json", "marathon/dev/new.json", "test");
        assertThat(second.consulIndex()).isGreaterThan(first.consulIndex());
        assertThat(kv("quayside/config/deploy/")).containsEntry(p + "marathon/prod/web.json",
                "{\"id\":\"/web\",\"instances\":2}").doesNotContainKey(p + "test")
                .containsEntry("quayside/config/deploy/main.ref", c2.name());

        // force push: history rewritten to a commit that does not contain c2 → full resync removes what vanished
        repo.human.reset().setMode(org.eclipse.jgit.api.ResetCommand.ResetType.HARD).setRef(c1.name()).call();
        RevCommit c3 = repo.commit("rewritten", files("README.md", "rewritten", "chronos/dev/job.json", null));
        repo.forcePush();
        ConfigSynced third = mirror.sync(config, "main").orElseThrow();
        assertThat(third.fullResync()).isTrue();
        assertThat(third.fromCommit()).isEqualTo(c2.name());
        assertThat(kv("quayside/config/deploy/")).isEqualTo(Map.of(p + "marathon/prod/web.json", "{\"id\":\"/web\"}",
                p + "test", "t", p + "README.md", "rewritten", "quayside/config/deploy/main.ref", c3.name()));
    }

    /** The ModifyIndex of every key under {@code prefix}. */
    Map<String, Long> modifyIndexes(String prefix) throws Exception {
        Map<String, Long> out = new TreeMap<>();
        entries(prefix).forEach(e -> out.put(((JsonObject) e).getString("Key"), ((JsonObject) e).getLong("ModifyIndex")));
        return out;
    }

    @Test
    void suspensionKeysAreWrittenAndDeletedInTheSyncsTransactionAndAResumeListsTheDefinitions() throws Exception {
        ConfigRepo config = ConfigRepo.of("deploy", repo.url(), MirrorOptions.defaults());
        MirrorService mirror = mirror(SyncSettings.defaults());
        String p = "quayside/config/deploy/main/";
        repo.commit("one", files("marathon/prod/web.json", "{\"id\":\"/web\"}", "marathon/dev/web.json",
                "{\"id\":\"/web\"}", "chronos/prod/web.json", "{\"name\":\"web\"}", "marathon/prod/api.json",
                "{\"id\":\"/api\"}"));
        repo.push();
        mirror.sync(config, "main").orElseThrow();
        assertThat(kv("quayside/suspended/")).isEmpty();

        RevCommit suspend = repo.commit("suspend web and api in prod", files("quayside.yml",
                "environments:\n  prod:\n    suspended: [web, api]\n"));
        repo.push();
        ConfigSynced suspended = mirror.sync(config, "main").orElseThrow();
        assertThat(kv("quayside/suspended/")).isEqualTo(Map.of("quayside/suspended/web/prod", suspend.name(),
                "quayside/suspended/api/prod", suspend.name()));
        // one transaction: the keys were modified at the index that moved the ref
        long refIndex = modifyIndexes("quayside/config/deploy/main.ref").get("quayside/config/deploy/main.ref");
        assertThat(modifyIndexes("quayside/suspended/")).containsOnly(
                Map.entry("quayside/suspended/web/prod", refIndex), Map.entry("quayside/suspended/api/prod", refIndex));
        assertThat(suspended.keysPut()).containsExactlyInAnyOrder(p + "quayside.yml", "quayside/suspended/web/prod",
                "quayside/suspended/api/prod");
        assertThat(suspended.filesChanged()).containsExactly("quayside.yml");

        // a later commit leaves the suspension as it was: the key keeps the commit that suspended the app
        repo.commit("api: two instances", files("marathon/prod/api.json", "{\"id\":\"/api\",\"instances\":2}"));
        repo.push();
        ConfigSynced later = mirror.sync(config, "main").orElseThrow();
        assertThat(later.keysPut()).containsExactly(p + "marathon/prod/api.json");
        assertThat(kv("quayside/suspended/")).containsEntry("quayside/suspended/web/prod", suspend.name());

        // resume web: its key goes in the sync's transaction, and its prod definitions are listed to be applied
        repo.commit("resume web in prod", files("quayside.yml", "environments:\n  prod:\n    suspended: [api]\n"));
        repo.push();
        ConfigSynced resumed = mirror.sync(config, "main").orElseThrow();
        assertThat(kv("quayside/suspended/")).isEqualTo(Map.of("quayside/suspended/api/prod", suspend.name()));
        assertThat(resumed.keysDeleted()).containsExactly("quayside/suspended/web/prod");
        assertThat(resumed.keysPut()).containsExactlyInAnyOrder(p + "quayside.yml", p + "marathon/prod/web.json",
                p + "chronos/prod/web.json");
        assertThat(resumed.filesChanged()).containsExactlyInAnyOrder("quayside.yml", "marathon/prod/web.json",
                "chronos/prod/web.json");
        // announced late (the announcement was lost): the rebuilt event lists the resumed definitions too
        assertThat(mirror.unannounced(config, "main", Duration.ZERO)).hasValueSatisfying(u -> assertThat(
                u.event().filesChanged()).containsExactlyInAnyOrder("quayside.yml", "marathon/prod/web.json",
                "chronos/prod/web.json"));

        // a quayside.yml that does not parse changes no suspension
        repo.commit("broken", files("quayside.yml", "environments:\n  prod:\n    suspended: web\n"));
        repo.push();
        assertThat(mirror.sync(config, "main").orElseThrow().outcome()).isEqualTo(ConfigSynced.Outcome.SYNCED);
        assertThat(kv("quayside/suspended/")).isEqualTo(Map.of("quayside/suspended/api/prod", suspend.name()));

        // a failed transaction writes neither the ref nor the suspension
        RevCommit failing = repo.commit("suspend web in dev", files("quayside.yml",
                "environments:\n  prod:\n    suspended: [api]\n  dev:\n    suspended: [web]\n"));
        repo.push();
        consul.failRequests("PUT", "/v1/txn", 0, 1, 500);
        ConfigSynced failed = mirror(SyncSettings.defaults().withSyncAttempts(1)).sync(config, "main").orElseThrow();
        assertThat(failed.outcome()).isEqualTo(ConfigSynced.Outcome.FAILED);
        assertThat(kv("quayside/suspended/")).doesNotContainKey("quayside/suspended/web/dev");
        assertThat(kv("quayside/config/deploy/main.ref").get("quayside/config/deploy/main.ref"))
                .isNotEqualTo(failing.name());
        consul.clearFailures();
        mirror.sync(config, "main").orElseThrow();
        assertThat(kv("quayside/suspended/")).containsEntry("quayside/suspended/web/dev", failing.name());
    }

    /**
     * The race that left image chains silent: the config repository's push notification of a write-back (its own
     * chain) mirrors the write-back's commit before the write-back's path does. The write-back's chain must still hear
     * that its definitions are in Consul, once, with an id of its own; the chain that synced hears nothing twice.
     */
    @Test
    void aWriteBackSyncedByAnotherChainIsStillAnnouncedInTheWriteBacksChain() throws Exception {
        ConfigRepo config = ConfigRepo.of("deploy", repo.url(), MirrorOptions.defaults());
        MirrorService mirror = mirror(SyncSettings.defaults());
        String p = "quayside/config/deploy/main/";
        RevCommit c1 = webAndApiSyncedAndAnnounced(config, mirror);
        // the write-back of chain-image, mirrored first by the push notification's chain
        RevCommit c2 = writeBackWeb2();
        ConfigSynced byPush = mirror.sync(config, "main", "chain-push").orElseThrow();
        assertThat(byPush.toCommit()).isEqualTo(c2.name());

        ImageBuilt built = new ImageBuilt("web", "web", "a".repeat(40), "main", "127.0.0.1:5000", "web", "2",
                List.of(), null, null, Map.of(), false);
        EventEnvelope<ImageBuilt> in = EventEnvelope.of(built, "test", "image-built-1", "chain-image", Instant.now());
        List<EventEnvelope<?>> events = new ArrayList<>();
        List<Runnable> announced = new ArrayList<>();
        ImageBuiltHandler.finishChain(mirror, in, in.chainId(), config, "main", List.of("marathon/prod/web.json"),
                events, announced);
        // the push's sync is not announced yet: it is announced in its own chain, and the write-back's in this one
        assertThat(events).hasSize(2);
        assertThat(events.get(0).chainId()).isEqualTo("chain-push");
        EventEnvelope<?> ours = events.get(1);
        assertThat(ours.chainId()).isEqualTo(in.chainId());
        ConfigSynced s = (ConfigSynced) ours.data();
        assertThat(s.outcome()).isEqualTo(ConfigSynced.Outcome.SYNCED);
        assertThat(s.toCommit()).isEqualTo(c2.name());
        assertThat(s.fromCommit()).isEqualTo(c1.name());
        assertThat(s.keysPut()).containsExactly(p + "marathon/prod/web.json");
        assertThat(s.consulIndex()).isPositive();
        assertThat(ours.id()).isNotEqualTo(events.get(0).id());
        assertThat(announced).hasSize(2); // the push's sync marked announced, then chain-image recorded as told
        announced.get(0).run();

        // the chain that synced it hears nothing more: its own announcement was its sync
        List<EventEnvelope<?>> push = new ArrayList<>();
        EventEnvelope<ImageBuilt> byPushChain = EventEnvelope.of(built, "test", "x", "chain-push", Instant.now());
        ImageBuiltHandler.finishChain(mirror, byPushChain, "chain-push", config, "main", List.of("marathon/prod/web.json"),
                push, new ArrayList<>());
        assertThat(push).isEmpty();

        // a redelivery in the write-back's chain, after another sync moved the ref: the same event id (consumers take
        // it as a redelivery), though Consul now holds a later commit
        repo.commit("another app", files("marathon/prod/api.json", "{\"id\":\"/api\",\"instances\":2}"));
        repo.push();
        ConfigSynced other = mirror.sync(config, "main", "chain-other").orElseThrow();
        mirror.announced(config, "main", other.toCommit());
        List<EventEnvelope<?>> again = new ArrayList<>();
        ImageBuiltHandler.finishChain(mirror, in, in.chainId(), config, "main", List.of("marathon/prod/web.json"),
                again, new ArrayList<>());
        assertThat(again).extracting(EventEnvelope::id).containsExactly(ours.id());
        assertThat(((ConfigSynced) again.get(0).data()).toCommit()).isEqualTo(other.toCommit());

        // once its announcement is recorded, a redelivery in the write-back's chain announces nothing more
        announced.get(1).run();
        List<EventEnvelope<?>> recorded = new ArrayList<>();
        ImageBuiltHandler.finishChain(mirror, in, in.chainId(), config, "main", List.of("marathon/prod/web.json"),
                recorded, new ArrayList<>());
        assertThat(recorded).isEmpty();
    }

    /**
     * Found by the chaos harness at full workload ({@code kill-config-syncer}): config-syncer killed after mirroring a
     * write-back, before announcing it. After the restart the reconcile announced that sync in the image's chain; a
     * later sync of another chain replaced the branch's sync record; then the redelivered {@code ImageBuilt} found
     * its image pinned and announced the same definitions in the same chain again ("synced elsewhere", another id):
     * marathon-applier reported a second deployment. Once a chain's sync is announced, its redelivery adds nothing.
     */
    @Test
    void aSyncTheReconcileAnnouncedIsNotAnnouncedAgainByItsRedeliveredImage() throws Exception {
        ConfigRepo config = ConfigRepo.of("deploy", repo.url(), MirrorOptions.defaults());
        MirrorService mirror = mirror(SyncSettings.defaults());
        webAndApiSyncedAndAnnounced(config, mirror);
        // chain-image writes back web:2 and mirrors it, then dies before announcing the sync
        RevCommit c2 = writeBackWeb2();
        mirror.sync(config, "main", "chain-image").orElseThrow();
        // after the restart, the reconcile announces it in chain-image and records that
        MirrorService.Unannounced pending = mirror.unannounced(config, "main", java.time.Duration.ZERO).orElseThrow();
        assertThat(pending.chainId()).isEqualTo("chain-image");
        mirror.announced(config, "main", c2.name());
        // another chain's sync replaces the branch's sync record
        repo.commit("another app", files("marathon/prod/api.json", "{\"id\":\"/api\",\"instances\":2}"));
        repo.push();
        ConfigSynced other = mirror.sync(config, "main", "chain-other").orElseThrow();
        mirror.announced(config, "main", other.toCommit());

        // the redelivered ImageBuilt of chain-image (UNCHANGED: web:2 is pinned) finishes its chain: nothing to add
        ImageBuilt built = new ImageBuilt("web", "web", "a".repeat(40), "main", "127.0.0.1:5000", "web", "2",
                List.of(), null, null, Map.of(), false);
        EventEnvelope<ImageBuilt> in = EventEnvelope.of(built, "test", "image-built-2", "chain-image", Instant.now());
        List<EventEnvelope<?>> events = new ArrayList<>();
        ImageBuiltHandler.finishChain(mirror, in, in.chainId(), config, "main", List.of("marathon/prod/web.json"),
                events, new ArrayList<>());
        assertThat(events).isEmpty();
        assertThat(new JsonObject(syncRecord("quayside/config/deploy/main.chains")).getJsonArray("chains"))
                .containsExactly("chain-first", "chain-image", "chain-other");
    }

    @Test
    void aFailureOnTheSecondBatchIsRetriedFromTheOldRefAndConvergesExactly() throws Exception {
        ConfigRepo config = ConfigRepo.of("deploy", repo.url(), MirrorOptions.defaults());
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = 0; i < 150; i++) {
            files.put("marathon/prod/app" + i + ".json", "{\"id\":\"/app" + i + "\"}");
        }
        RevCommit c1 = repo.commit("many", files);
        repo.push();
        consul.failRequests("PUT", "/v1/txn", 1, 1, 500);

        // one attempt only: the sync fails, the ref does not move, the event says why
        ConfigSynced failed = mirror(SyncSettings.defaults().withSyncAttempts(1)).sync(config, "main").orElseThrow();
        assertThat(failed.outcome()).isEqualTo(ConfigSynced.Outcome.FAILED);
        assertThat(failed.reason()).contains("500");
        Map<String, String> partial = kv("quayside/config/deploy/");
        assertThat(partial).doesNotContainKey("quayside/config/deploy/main.ref");
        assertThat(partial).hasSizeBetween(1, 149);

        // the next run starts again from the old (absent) ref and converges
        ConfigSynced ok = mirror(SyncSettings.defaults()).sync(config, "main").orElseThrow();
        assertThat(ok.outcome()).isEqualTo(ConfigSynced.Outcome.SYNCED);
        Map<String, String> expected = new TreeMap<>();
        files.forEach((k, v) -> expected.put("quayside/config/deploy/main/" + k, v));
        expected.put("quayside/config/deploy/main.ref", c1.name());
        assertThat(kv("quayside/config/deploy/")).isEqualTo(expected);

        // with retries inside one run, a 500 on the second batch is absorbed
        RevCommit c2 = repo.commit("more", files("marathon/prod/app0.json", null, "marathon/prod/x.json", "{}"));
        repo.push();
        consul.failRequests("PUT", "/v1/txn", 1, 1, 500);
        ConfigSynced retried = mirror(SyncSettings.defaults().withTxnMaxOperations(4)).sync(config, "main").orElseThrow();
        assertThat(retried.outcome()).isEqualTo(ConfigSynced.Outcome.SYNCED);
        assertThat(kv("quayside/config/deploy/")).doesNotContainKey("quayside/config/deploy/main/marathon/prod/app0.json")
                .containsEntry("quayside/config/deploy/main/marathon/prod/x.json", "{}")
                .containsEntry("quayside/config/deploy/main.ref", c2.name());
    }

    @Test
    void aConsulOutageSpanningSeveralAttemptsDelaysTheSyncInsteadOfFailingIt() throws Exception {
        ConfigRepo config = ConfigRepo.of("deploy", repo.url(), MirrorOptions.defaults());
        RevCommit c1 = repo.commit("one", files("marathon/prod/web.json", "{\"id\":\"/web\"}"));
        repo.push();
        // Consul answers 500 to the next four transactions: three attempts 50 ms apart used to report a FAILED sync
        // (and nothing retried it later); with the default retry budget the outage only delays it
        consul.failRequests("PUT", "/v1/txn", 0, 4, 500);
        ConfigSynced synced = mirror(SyncSettings.defaults()).sync(config, "main").orElseThrow();
        assertThat(synced.outcome()).as(String.valueOf(synced.reason())).isEqualTo(ConfigSynced.Outcome.SYNCED);
        assertThat(kv("quayside/config/deploy/")).containsEntry("quayside/config/deploy/main.ref", c1.name())
                .containsEntry("quayside/config/deploy/main/marathon/prod/web.json", "{\"id\":\"/web\"}");
    }

    @Test
    void expandKeysOnJsonYamlAndPropertiesWithAndWithoutDiff() throws Exception {
        MirrorOptions expand = new MirrorOptions("kv", true, false, "config", true, true, false, "config/common.properties");
        ConfigRepo config = ConfigRepo.of("svc", repo.url(), expand);
        MirrorService mirror = mirror(SyncSettings.defaults());
        repo.commit("one", files("config/app.json", "{\"db\":{\"host\":\"a\",\"port\":1},\"list\":[1]}",
                "config/app.yaml", "cache:\n  ttl: 5\n", "config/app.properties", "url=http://${host}/x\nhost=h1\n",
                "config/common.properties", "zone=eu\n", "config/bad.json", "{not json", "outside.txt", "x"));
        repo.push();
        ConfigSynced first = mirror.sync(config, "main").orElseThrow();
        String p = "kv/svc/main/";
        assertThat(kv("kv/svc/main/")).isEqualTo(Map.of(p + "app.json/db/host", "a", p + "app.json/db/port", "1",
                p + "app.json/list", "[1]", p + "app.yaml/cache/ttl", "5", p + "app.properties/host", "h1",
                p + "app.properties/url", "http://h1/x", p + "common.properties/zone", "eu", p + "bad.json", "{not json"));
        assertThat(first.invalidFiles()).extracting(ConfigSynced.FileProblem::path).containsExactly("config/bad.json");

        // expand_keys_diff: only the leaf that changed is written, the vanished leaf deleted
        repo.commit("two", files("config/app.json", "{\"db\":{\"host\":\"b\",\"port\":1}}"));
        repo.push();
        ConfigSynced second = mirror.sync(config, "main").orElseThrow();
        assertThat(second.keysPut()).containsExactly(p + "app.json/db/host");
        assertThat(second.keysDeleted()).containsExactly(p + "app.json/list");

        // without expand_keys_diff every leaf of the file is written again
        MirrorOptions noDiff = new MirrorOptions("kv", true, false, "config", true, false, false, null);
        ConfigRepo config2 = ConfigRepo.of("svc", repo.url(), noDiff);
        repo.commit("three", files("config/app.yaml", "cache:\n  ttl: 6\n  size: 10\n", "config/app.json", null));
        repo.push();
        ConfigSynced third = mirror.sync(config2, "main").orElseThrow();
        assertThat(third.keysPut()).containsExactlyInAnyOrder(p + "app.yaml/cache/ttl", p + "app.yaml/cache/size");
        assertThat(third.keysDeleted()).containsExactly(p + "app.json", p + "app.json/");
        assertThat(kv("kv/svc/main/")).doesNotContainKeys(p + "app.json/db/host", p + "app.json/db/port")
                .containsEntry(p + "app.yaml/cache/ttl", "6");
    }

    @Test
    void badInputIsFlaggedSkippedOrFailsTheSyncWithAReason() throws Exception {
        ConfigRepo config = ConfigRepo.of("deploy", repo.url(), MirrorOptions.defaults());
        RevCommit c1 = repo.commit("bad", files("marathon/prod/broken.json", "{\"id\": ", "ok.txt", "fine",
                "weird\tname.json", "{}"));
        repo.push();
        ConfigSynced synced = mirror(SyncSettings.defaults()).sync(config, "main").orElseThrow();
        assertThat(synced.outcome()).isEqualTo(ConfigSynced.Outcome.SYNCED);
        assertThat(synced.invalidFiles()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("marathon/prod/broken.json");
            assertThat(f.reason()).startsWith("not valid JSON, mirrored as text");
        });
        assertThat(synced.skipped()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("weird\tname.json");
            assertThat(f.reason()).isEqualTo("control character U+0009 in key");
        });
        assertThat(kv("quayside/config/deploy/main/")).containsEntry("quayside/config/deploy/main/marathon/prod/broken.json",
                "{\"id\": ").hasSize(2);

        String big = "x".repeat(600 * 1024);
        repo.commit("big", files("big.txt", big, "small.txt", "s"));
        repo.push();
        ConfigSynced tooBig = mirror(SyncSettings.defaults()).sync(config, "main").orElseThrow();
        assertThat(tooBig.outcome()).isEqualTo(ConfigSynced.Outcome.FAILED);
        assertThat(tooBig.reason()).contains("big.txt").contains("over Consul's limit");
        assertThat(kv("quayside/config/deploy/")).doesNotContainKey("quayside/config/deploy/main/small.txt")
                .containsEntry("quayside/config/deploy/main.ref", c1.name());
        Optional<ConfigSynced> again = mirror(SyncSettings.defaults()).sync(config, "main");
        assertThat(again).get().extracting(ConfigSynced::outcome).isEqualTo(ConfigSynced.Outcome.FAILED);
        assertThat(List.of(again.get().fromCommit())).containsExactly(c1.name());
    }

    /** The config repo's first commit (web:1 and api), synced in chain-first and announced. */
    private RevCommit webAndApiSyncedAndAnnounced(ConfigRepo config, MirrorService mirror) throws Exception {
        RevCommit c1 = repo.commit("one", files("marathon/prod/web.json", "{\"id\":\"/web\",\"image\":\"r/web:1\"}",
                "marathon/prod/api.json", "{\"id\":\"/api\"}"));
        repo.push();
        mirror.sync(config, "main", "chain-first").orElseThrow();
        mirror.announced(config, "main", c1.name());
        return c1;
    }

    /** A write-back of web:2, pushed. */
    private RevCommit writeBackWeb2() throws Exception {
        RevCommit c2 = repo.commit("Deploy web r/web:2", files("marathon/prod/web.json",
                "{\"id\":\"/web\",\"image\":\"r/web:2\"}"));
        repo.push();
        return c2;
    }
}
