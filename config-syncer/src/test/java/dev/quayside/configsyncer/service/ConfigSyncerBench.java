package dev.quayside.configsyncer.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.configsyncer.client.ConsulClient;
import dev.quayside.configsyncer.client.GitClient;
import dev.quayside.configsyncer.mirror.MirrorOptions;
import dev.quayside.configsyncer.mirror.MirrorService;
import dev.quayside.configsyncer.writeback.WriteBackService;
import dev.quayside.configsyncer.writeback.WriteBackServiceTest;
import dev.quayside.devstack.consul.ConsulStandIn;
import dev.quayside.events.ConfigSynced;
import dev.quayside.events.TagUpdated;
import io.vertx.mutiny.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmarks of issue #7's figures (not part of {@code verify}: the class name matches no Surefire include). Run:
 * {@code ./mvnw -B -pl config-syncer test -Dtest=ConfigSyncerBench}. Prints one {@code BENCH} line per figure.
 */
public class ConfigSyncerBench {

    @TempDir
    Path dir;

    /** Commits {@code files} straight into the bare repository's main (no working tree), on top of {@code parent}. */
    public static ObjectId commit(Repository repo, ObjectId parent, Map<String, String> files) throws Exception {
        try (ObjectInserter ins = repo.newObjectInserter()) {
            DirCache index = DirCache.newInCore();
            DirCacheBuilder b = index.builder();
            if (parent != null) {
                // keep the parent's entries except the ones replaced
                try (var walk = new org.eclipse.jgit.revwalk.RevWalk(repo); var reader = repo.newObjectReader()) {
                    try (var tw = new org.eclipse.jgit.treewalk.TreeWalk(reader)) {
                        tw.addTree(walk.parseCommit(parent).getTree());
                        tw.setRecursive(true);
                        while (tw.next()) {
                            if (!files.containsKey(tw.getPathString())) {
                                DirCacheEntry e = new DirCacheEntry(tw.getPathString());
                                e.setFileMode(tw.getFileMode(0));
                                e.setObjectId(tw.getObjectId(0));
                                b.add(e);
                            }
                        }
                    }
                }
            }
            List<String> paths = new ArrayList<>(files.keySet());
            Collections.sort(paths);
            for (String path : paths) {
                DirCacheEntry e = new DirCacheEntry(path);
                e.setFileMode(FileMode.REGULAR_FILE);
                e.setObjectId(ins.insert(Constants.OBJ_BLOB, files.get(path).getBytes(StandardCharsets.UTF_8)));
                b.add(e);
            }
            b.finish();
            CommitBuilder c = new CommitBuilder();
            c.setTreeId(index.writeTree(ins));
            if (parent != null) {
                c.setParentId(parent);
            }
            PersonIdent me = new PersonIdent("Bench", "bench@example.com");
            c.setAuthor(me);
            c.setCommitter(me);
            c.setMessage("bench");
            ObjectId id = ins.insert(c);
            ins.flush();
            RefUpdate u = repo.updateRef("refs/heads/main");
            u.setNewObjectId(id);
            u.setForceUpdate(true);
            u.update();
            return id;
        }
    }

    static long p50(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2) / 1_000_000;
    }

    @Test
    void writeBackOnAThousandDefinitions() throws Exception {
        Path bare = dir.resolve("deploy.git");
        try (Git git = Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call()) {
            Map<String, String> files = new java.util.HashMap<>();
            for (int i = 0; i < 1000; i++) {
                files.put("marathon/env" + (i % 3) + "/app" + i + ".json",
                        WriteBackServiceTest.marathon("app" + i, WriteBackServiceTest.REGISTRY + "/app" + (i / 3) + ":old"));
            }
            commit(git.getRepository(), null, files);
        }
        ConfigRepo config = ConfigRepo.of("deploy", bare.toUri().toString(), MirrorOptions.defaults());
        WriteBackService service = new WriteBackService(new GitClient(dir.resolve("work")), SyncSettings.defaults());
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            long t = System.nanoTime();
            TagUpdated tag = service.apply(config, WriteBackServiceTest.built("app" + i, "main", "n" + i), "e").event();
            times.add(System.nanoTime() - t);
            assertThat(tag.outcome()).isEqualTo(TagUpdated.Outcome.UPDATED);
        }
        System.out.printf("BENCH write-back commit+push, 1,000 definitions: p50 %d ms (first 10 runs warm-up, %d runs)%n",
                p50(times.subList(10, times.size())), times.size() - 10);
    }

    @Test
    void mirrorOfTenThousandFilesAndOfOneChangedFile() throws Exception {
        Path bare = dir.resolve("big.git");
        Git git = Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call();
        Map<String, String> files = new java.util.HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            files.put("marathon/env" + (i % 5) + "/app" + i + ".json", "{\"id\":\"/app" + i + "\",\"instances\":1}");
        }
        ObjectId head = commit(git.getRepository(), null, files);
        Vertx vertx = Vertx.vertx();
        try (ConsulStandIn consul = ConsulStandIn.start()) {
            ConsulClient client = new ConsulClient(vertx, consul.url(), null, Duration.ofSeconds(30), null);
            ConfigRepo config = ConfigRepo.of("big", bare.toUri().toString(), MirrorOptions.defaults());
            MirrorService mirror = new MirrorService(new GitClient(dir.resolve("work")), client, SyncSettings.defaults());
            long t = System.nanoTime();
            ConfigSynced first = mirror.sync(config, "main").orElseThrow();
            long initial = (System.nanoTime() - t) / 1_000_000;
            assertThat(first.outcome()).isEqualTo(ConfigSynced.Outcome.SYNCED);
            System.out.printf("BENCH mirror initial, 10,000 files: %d ms (fetch, read, plan, txn batches of <= 64 operations)%n",
                    initial);
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                head = commit(git.getRepository(), head, Map.of("marathon/env0/app0.json", "{\"id\":\"/app0\",\"instances\":" + (i + 2) + "}"));
                t = System.nanoTime();
                ConfigSynced one = mirror.sync(config, "main").orElseThrow();
                times.add(System.nanoTime() - t);
                assertThat(one.keysPut()).hasSize(1);
            }
            System.out.printf("BENCH mirror of one changed file (fetch, diff, guarded txn) in a 10,000-file repo: p50 %d ms (%d runs after 10 warm-up)%n",
                    p50(times.subList(10, times.size())), times.size() - 10);
        } finally {
            vertx.closeAndAwait();
            git.close();
        }
    }
}
