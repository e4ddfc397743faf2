package dev.quayside.gitkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quayside.devstack.git.SshGitServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.util.FS;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session factory against a real SSH server ({@link SshGitServer}): the configured key and known_hosts get in, for
 * a fetch and for a push; a host key the file does not hold, or holds differently, is refused and never written to it, whatever the user's
 * {@code ~/.ssh/config} says.
 */
class SshSessionsTest {

    @TempDir
    static Path dir;

    private static SshGitServer server;
    private static RevCommit head;
    private static File home;

    @BeforeAll
    static void serve() throws Exception {
        try (Git repo = Git.init().setBare(false).setDirectory(dir.resolve("work").toFile()).setInitialBranch("main")
                .call()) {
            Files.writeString(dir.resolve("work/a.txt"), "a");
            repo.add().addFilepattern("a.txt").call();
            head = repo.commit().setMessage("first").setSign(false).call();
            Git.cloneRepository().setURI(dir.resolve("work").toUri().toString()).setBare(true)
                    .setDirectory(dir.resolve("repos/app.git").toFile()).call().close();
        }
        server = SshGitServer.start(dir.resolve("repos"), dir.resolve("keys"));
        // a user whose ssh config would accept any host key: the configured known_hosts must still decide
        home = FS.DETECTED.userHome();
        Files.createDirectories(dir.resolve("home/.ssh"));
        Files.writeString(dir.resolve("home/.ssh/config"), "Host *\n  StrictHostKeyChecking no\n"
                + "  UserKnownHostsFile " + server.knownHosts() + "\n");
        FS.DETECTED.setUserHome(dir.resolve("home").toFile());
    }

    @AfterAll
    static void stop() {
        FS.DETECTED.setUserHome(home);
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theConfiguredKeyAndKnownHostsGetIn() throws Exception {
        Collection<Ref> refs = lsRemote(server.knownHosts());

        assertThat(refs).anySatisfy(ref -> {
            assertThat(ref.getName()).isEqualTo("refs/heads/main");
            assertThat(ref.getObjectId()).isEqualTo(head.getId());
        });
    }

    @Test
    void aPushGoesOverTheSameSessions() throws Exception {
        Path clone = dir.resolve("push-clone");
        try (Git git = Git.cloneRepository().setURI(server.url("app")).setDirectory(clone.toFile())
                .setTransportConfigCallback(callback(server.knownHosts())).call()) {
            Files.writeString(clone.resolve("b.txt"), "b");
            git.add().addFilepattern("b.txt").call();
            RevCommit pushed = git.commit().setMessage("second").setSign(false).call();
            git.push().setRemote(server.url("app")).setRefSpecs(new RefSpec("HEAD:refs/heads/pushed"))
                    .setTransportConfigCallback(callback(server.knownHosts())).call();

            try (Git served = Git.open(dir.resolve("repos/app.git").toFile())) {
                assertThat(served.getRepository().resolve("refs/heads/pushed")).isEqualTo(pushed.getId());
            }
        }
    }

    @Test
    void aHostKeyNotInKnownHostsIsRefusedAndNotWrittenThere() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty_known_hosts"), "");

        assertThatThrownBy(() -> lsRemote(empty)).isInstanceOf(TransportException.class)
                .satisfies(e -> assertThat(SshSessions.hostKeyRefused(e)).as(e.toString()).isTrue());
        assertThat(empty).isEmptyFile();
    }

    @Test
    void aHostKeyOtherThanTheKnownOneIsRefused() throws Exception {
        String known = Files.readString(server.knownHosts());
        String otherKey = Files.readString(server.clientKey().resolveSibling("id_ecdsa.pub")).split(" ")[1];
        Path changed = Files.writeString(dir.resolve("changed_known_hosts"),
                known.split(" ")[0] + " ecdsa-sha2-nistp256 " + otherKey + "\n");

        assertThatThrownBy(() -> lsRemote(changed)).isInstanceOf(TransportException.class)
                .satisfies(e -> assertThat(SshSessions.hostKeyRefused(e)).as(e.toString()).isTrue());
        assertThat(changed).content().doesNotContain(known.split(" ")[2].trim());
    }

    @Test
    void otherFailuresAreNotTakenForARefusedHostKey() {
        assertThatThrownBy(() -> Git.lsRemoteRepository().setRemote(server.url("missing"))
                .setTransportConfigCallback(callback(server.knownHosts())).call())
                .satisfies(e -> assertThat(SshSessions.hostKeyRefused(e)).as(e.toString()).isFalse());
    }

    private static Collection<Ref> lsRemote(Path knownHosts) throws Exception {
        return Git.lsRemoteRepository().setRemote(server.url("app")).setHeads(true)
                .setTransportConfigCallback(callback(knownHosts)).call();
    }

    private static TransportConfigCallback callback(Path knownHosts) {
        return SshSessions.callback(Optional.of(server.clientKey()), Optional.of(knownHosts));
    }
}
