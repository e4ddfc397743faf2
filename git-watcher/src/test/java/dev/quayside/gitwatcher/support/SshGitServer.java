package dev.quayside.gitwatcher.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A real SSH server on 127.0.0.1 (Apache MINA sshd, the library JGit's own SSH tests use) that serves the bare
 * repositories under a folder to {@code git-upload-pack} (fetch, ls-remote) for one user and one public key, the way
 * {@code git-shell} behind OpenSSH does. The client key is made with {@code ssh-keygen}, as a user would.
 */
public final class SshGitServer implements AutoCloseable {

    public static final String USER = "git";
    private static final Pattern UPLOAD_PACK = Pattern.compile("git-upload-pack '?/?([A-Za-z0-9._-]+)'?");

    private final SshServer server;
    private final Path clientKey;
    private final Path knownHosts;

    private SshGitServer(SshServer server, Path clientKey, Path knownHosts) {
        this.server = server;
        this.clientKey = clientKey;
        this.knownHosts = knownHosts;
    }

    /** Starts serving {@code repositories}; keys and known_hosts are written to {@code keys}. */
    public static SshGitServer start(Path repositories, Path keys) {
        try {
            Files.createDirectories(keys);
            Path clientKey = keys.resolve("id_ecdsa");
            Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-C",
                    "quayside-test", "-f", clientKey.toString()).redirectErrorStream(true).start();
            String output = new String(keygen.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (keygen.waitFor() != 0) {
                throw new IllegalStateException("ssh-keygen failed: " + output);
            }
            List<AuthorizedKeyEntry> authorized = AuthorizedKeyEntry.readAuthorizedKeys(
                    keys.resolve("id_ecdsa.pub"));
            PublicKey allowed = authorized.get(0).resolvePublicKey(null, PublicKeyEntryResolver.FAILING);

            SshServer server = SshServer.setUpDefaultServer();
            server.setHost("127.0.0.1");
            server.setPort(0);
            server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(keys.resolve("host-key.ser")));
            server.setPasswordAuthenticator(null);
            server.setKeyboardInteractiveAuthenticator(null);
            server.setPublickeyAuthenticator((user, key, session) -> USER.equals(user)
                    && KeyUtils.compareKeys(allowed, key));
            server.setCommandFactory((channel, command) -> new UploadPackCommand(repositories, command));
            server.start();

            PublicKey hostKey = server.getKeyPairProvider().loadKeys(null).iterator().next().getPublic();
            Path knownHosts = keys.resolve("known_hosts");
            Files.writeString(knownHosts, "[127.0.0.1]:" + server.getPort() + " "
                    + PublicKeyEntry.toString(hostKey) + "\n");
            return new SshGitServer(server, clientKey, knownHosts);
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("could not start the SSH Git server", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code ssh://git@127.0.0.1:<port>/<name>.git} */
    public String url(String repository) {
        return "ssh://" + USER + "@127.0.0.1:" + server.getPort() + "/" + repository + ".git";
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

    /** {@code git-upload-pack '<repo>.git'} on one of the served repositories; anything else exits 1. */
    private static final class UploadPackCommand implements Command, Runnable {

        private final Path repositories;
        private final String command;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;

        UploadPackCommand(Path repositories, String command) {
            this.repositories = repositories;
            this.command = command;
        }

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback exit) {
            this.exit = exit;
        }

        @Override
        public void start(ChannelSession channel, Environment env) {
            Thread thread = new Thread(this, "ssh-git " + command);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            Matcher matcher = UPLOAD_PACK.matcher(command.trim());
            if (!matcher.matches()) {
                fail("only git-upload-pack is served, not: " + command);
                return;
            }
            Path dir = repositories.resolve(matcher.group(1));
            if (!Files.isDirectory(dir.resolve("objects"))) {
                fail("no repository " + matcher.group(1));
                return;
            }
            try (Repository repository = new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true)
                    .build()) {
                new UploadPack(repository).upload(in, out, err);
                out.flush();
                exit.onExit(0);
            } catch (IOException e) {
                fail(e.toString());
            }
        }

        private void fail(String message) {
            try {
                err.write((message + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                err.flush();
            } catch (IOException ignored) {
                // the client is gone
            }
            exit.onExit(1, message);
        }

        @Override
        public void destroy(ChannelSession channel) {
            // the upload ends when the client closes the channel
        }
    }
}
