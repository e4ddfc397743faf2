package dev.quayside.devstack.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.util.threads.ThreadUtils;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.command.AbstractCommandSupport;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A real SSH server on 127.0.0.1 (Apache MINA sshd) serving {@code git-upload-pack} (fetch) and
 * {@code git-receive-pack} (push) of the bare repositories in one folder, to one user with one key (made with
 * {@code ssh-keygen}, as a user would), like {@code git-shell} behind OpenSSH. Its host key is written to a known_hosts
 * file for the client. The one SSH Git remote of the tests (git-watcher polls it, image-builder fetches from it,
 * config-syncer fetches from and pushes to it).
 */
public final class SshGitServer implements AutoCloseable {

    public static final String USER = "git";
    private static final Pattern PACK = Pattern.compile("git-(upload|receive)-pack '?/?([A-Za-z0-9._-]+\\.git)'?");

    private final SshServer server;
    private final Path clientKey;
    private final Path knownHosts;

    private SshGitServer(SshServer server, Path clientKey, Path knownHosts) {
        this.server = server;
        this.clientKey = clientKey;
        this.knownHosts = knownHosts;
    }

    /** Serves the repositories in {@code repositories}; the key pair and known_hosts go to {@code keys}. */
    public static SshGitServer start(Path repositories, Path keys) {
        try {
            Files.createDirectories(keys);
            Path clientKey = keys.resolve("id_ecdsa"); // ECDSA: the JDK reads it; Ed25519 needs an extra provider
            Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-C",
                    "quayside-test", "-f", clientKey.toString()).redirectErrorStream(true).start();
            String output = new String(keygen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (keygen.waitFor() != 0) {
                throw new IllegalStateException("ssh-keygen failed: " + output);
            }
            PublicKey allowed = AuthorizedKeyEntry.readAuthorizedKeys(keys.resolve("id_ecdsa.pub")).get(0)
                    .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
            SshServer server = SshServer.setUpDefaultServer();
            server.setHost("127.0.0.1");
            server.setPort(0);
            server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(keys.resolve("host-key.ser")));
            server.setPasswordAuthenticator(null);
            server.setKeyboardInteractiveAuthenticator(null);
            server.setPublickeyAuthenticator((user, key, session) -> USER.equals(user)
                    && KeyUtils.compareKeys(allowed, key));
            server.setCommandFactory((channel, command) -> new PackCommand(repositories, command));
            server.start();
            PublicKey hostKey = server.getKeyPairProvider().loadKeys(null).iterator().next().getPublic();
            Path knownHosts = keys.resolve("known_hosts");
            Files.writeString(knownHosts, "[127.0.0.1]:" + server.getPort() + " " + PublicKeyEntry.toString(hostKey)
                    + "\n");
            return new SshGitServer(server, clientKey, knownHosts);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not start the SSH Git server", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code ssh://git@127.0.0.1:<port>/<name>.git}: the served user, authenticated by {@link #clientKey()}. */
    public String url(String repository) {
        return url(USER, repository);
    }

    /** {@code ssh://<userInfo>@127.0.0.1:<port>/<name>.git}, e.g. with a password that must never be logged. */
    public String url(String userInfo, String repository) {
        return "ssh://" + userInfo + "@127.0.0.1:" + server.getPort() + "/" + repository + ".git";
    }

    public Path clientKey() {
        return clientKey;
    }

    public Path knownHosts() {
        return knownHosts;
    }

    @Override
    public void close() {
        try {
            server.stop(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code git-upload-pack '<name>.git'} or {@code git-receive-pack '<name>.git'} of a served repository, on a thread
     * of its own; anything else (another command, a path outside the folder, a folder that is not a repository) exits 1.
     */
    private static final class PackCommand extends AbstractCommandSupport {

        private final Path repositories;

        PackCommand(Path repositories, String command) {
            super(command, ThreadUtils.newSingleThreadExecutor("ssh-git"));
            this.repositories = repositories;
        }

        @Override
        public void run() {
            Matcher matcher = PACK.matcher(getCommand().trim());
            Path dir = matcher.matches() ? repositories.resolve(matcher.group(2)) : null;
            if (dir == null || !Files.isDirectory(dir.resolve("objects"))) {
                onExit(1, "only git-upload-pack or git-receive-pack of a served repository, not: " + getCommand());
                return;
            }
            try (Repository repository = new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true)
                    .build()) {
                if (matcher.group(1).equals("upload")) {
                    new UploadPack(repository).upload(getInputStream(), getOutputStream(), getErrorStream());
                } else {
                    new ReceivePack(repository).receive(getInputStream(), getOutputStream(), getErrorStream());
                }
                getOutputStream().flush();
                onExit(0);
            } catch (IOException e) {
                onExit(1, e.toString());
            }
        }
    }
}
