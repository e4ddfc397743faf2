package dev.quayside.gitkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A local bare copy fetched into forty times from a real repository, as the services' copies are. */
class PackHousekeepingTest {

    private static final int FETCHES = 40;

    @TempDir
    Path dir;

    @Test
    void aCopyFetchedIntoAgainAndAgainKeepsAtMostTheLimitOfPacksAndEveryObject() throws Exception {
        try (Git origin = Git.init().setDirectory(dir.resolve("origin").toFile()).setInitialBranch("main").call();
                Git copy = Git.init().setBare(true).setDirectory(dir.resolve("copy.git").toFile())
                        .setInitialBranch("main").call();
                Git untended = Git.init().setBare(true).setDirectory(dir.resolve("untended.git").toFile())
                        .setInitialBranch("main").call()) {
            List<ObjectId> commits = new ArrayList<>();
            int most = 0;
            int repacks = 0;
            for (int i = 0; i < FETCHES; i++) {
                commits.add(commit(origin, "apps/app-" + (i % 5) + ".json", "{\"version\": " + i + "}\n"));
                fetch(copy, origin);
                fetch(untended, origin);
                if (PackHousekeeping.afterFetch(copy.getRepository())) {
                    repacks++;
                }
                most = Math.max(most, packs(copy.getRepository()));
            }
            // without it every fetch adds a pack: the defect
            assertThat(packs(untended.getRepository())).isEqualTo(FETCHES);
            assertThat(most).isLessThanOrEqualTo(PackHousekeeping.PACK_LIMIT);
            assertThat(repacks).isEqualTo(2);
            // repacked at the 17th and the 33rd fetch; a pack for each fetch after that
            assertThat(packs(copy.getRepository())).isEqualTo(1 + FETCHES - (2 * PackHousekeeping.PACK_LIMIT + 1));
            // every commit fetched is still there, with its tree and blob
            Repository repo = copy.getRepository();
            assertThat(repo.resolve("refs/remotes/origin/main")).isEqualTo(commits.get(FETCHES - 1));
            try (RevWalk walk = new RevWalk(repo)) {
                for (int i = 0; i < FETCHES; i++) {
                    RevCommit commit = walk.parseCommit(commits.get(i));
                    try (TreeWalk tree = TreeWalk.forPath(repo, "apps/app-" + (i % 5) + ".json", commit.getTree())) {
                        assertThat(new String(repo.open(tree.getObjectId(0), Constants.OBJ_BLOB).getBytes(),
                                StandardCharsets.UTF_8)).isEqualTo("{\"version\": " + i + "}\n");
                    }
                }
            }
        }
    }

    @Test
    void aCopyWithinTheLimitIsLeftAsItIs() throws Exception {
        try (Git origin = Git.init().setDirectory(dir.resolve("origin").toFile()).setInitialBranch("main").call();
                Git copy = Git.init().setBare(true).setDirectory(dir.resolve("copy.git").toFile())
                        .setInitialBranch("main").call()) {
            for (int i = 0; i < PackHousekeeping.PACK_LIMIT; i++) {
                commit(origin, "a.txt", i + "\n");
                fetch(copy, origin);
            }
            List<String> before = packFiles(copy.getRepository());
            assertThat(PackHousekeeping.afterFetch(copy.getRepository())).isFalse();
            assertThat(packFiles(copy.getRepository())).isEqualTo(before).hasSize(PackHousekeeping.PACK_LIMIT);
        }
    }

    private static ObjectId commit(Git git, String path, String content) throws Exception {
        Path file = git.getRepository().getWorkTree().toPath().resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        git.add().addFilepattern(path).call();
        return git.commit().setMessage("change " + path).setAuthor("ada", "ada@example.com")
                .setCommitter("ada", "ada@example.com").call().getId();
    }

    private static void fetch(Git copy, Git origin) throws Exception {
        copy.fetch().setRemote(origin.getRepository().getDirectory().getAbsolutePath())
                .setRefSpecs(new RefSpec("+refs/heads/main:refs/remotes/origin/main")).call();
    }

    private static int packs(Repository repository) {
        return ((FileRepository) repository).getObjectDatabase().getPacks().size();
    }

    private static List<String> packFiles(Repository repository) {
        File[] files = new File(repository.getDirectory(), "objects/pack").listFiles((d, n) -> n.endsWith(".pack"));
        return files == null ? List.of() : Arrays.stream(files).map(File::getName).sorted().toList();
    }
}
