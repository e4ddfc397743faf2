package dev.quayside.configsyncer.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.URIish;

/**
 * Quarkus test resource: a real bare config repository {@code deploy} (3 environments) with a human's clone, and the
 * config-syncer settings pointing at it.
 */
public class ConfigRepoResource implements QuarkusTestResourceLifecycleManager {

    static final String REGISTRY = "127.0.0.1:5000";
    static Path dir;
    static Git human;

    @Override
    public Map<String, String> start() {
        try {
            org.eclipse.jgit.util.FS.FileStoreAttributes.setBackground(true);
            dir = Files.createTempDirectory("config-syncer-it");
            Path bare = dir.resolve("deploy.git");
            Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call().close();
            human = Git.init().setInitialBranch("main").setDirectory(dir.resolve("human").toFile()).call();
            human.remoteAdd().setName("origin").setUri(new URIish(bare.toUri().toString())).call();
            for (String env : new String[] {"dev", "staging", "prod"}) {
                write("marathon/" + env + "/sample-app.json", "{\n  \"id\": \"/sample-app\",\n  \"container\": {\n"
                        + "    \"docker\": {\"image\": \"" + REGISTRY + "/sample-app:old\"}\n  }\n}\n");
            }
            write("marathon/dev/unrelated.json", "{\"id\":\"/unrelated\",\"container\":{\"docker\":{\"image\":\"nginx:1\"}}}");
            commitAndPush("initial");
            return Map.of("quayside.config-syncer.repositories.deploy.clone-url", bare.toUri().toString(),
                    "quayside.config-syncer.work-dir", dir.resolve("work").toString());
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the test config repository", e);
        }
    }

    static void write(String path, String content) throws IOException {
        Path p = dir.resolve("human").resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content, StandardCharsets.UTF_8);
    }

    /** Commits everything in the human's clone (after pulling) and pushes; returns the new commit. */
    static String commitAndPush(String message) throws Exception {
        human.add().addFilepattern(".").call();
        PersonIdent me = new PersonIdent("Human", "human@example.com");
        String id = human.commit().setMessage(message).setAuthor(me).setCommitter(me).setSign(false).call().name();
        human.push().setRemote("origin").setRefSpecs(new RefSpec("refs/heads/main:refs/heads/main")).call();
        return id;
    }

    static void pull() throws Exception {
        human.pull().setRemote("origin").setRemoteBranchName("main").setRebase(true).call();
    }

    @Override
    public void stop() {
        if (human != null) {
            human.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temp files: best effort
        }
    }
}
