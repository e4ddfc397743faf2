package dev.quayside.gitkit;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.internal.transport.sshd.OpenSshServerKeyDatabase;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.eclipse.jgit.util.FS;

/**
 * SSH remotes through JGit's Apache MINA sshd transport, the one way git-watcher, image-builder and config-syncer reach
 * them: the configured private key (else the identities in {@code ~/.ssh}) and known_hosts file (else
 * {@code ~/.ssh/known_hosts}). A server whose host key is not in that file, or differs from the one there, is refused
 * whatever {@code ~/.ssh/config} says: a service has nobody to ask, so host key checking is always strict. One session
 * factory per key and known_hosts pair, kept for the process's life.
 */
public final class SshSessions {

    /** The text of sshd's exception when the server's host key was refused. */
    private static final String REFUSED = "Server key did not validate";

    private static final Map<String, SshdSessionFactory> FACTORIES = new ConcurrentHashMap<>();

    private SshSessions() {
    }

    /**
     * Sets the session factory of {@code key} and {@code knownHosts} on SSH transports; other transports (HTTPS,
     * {@code file://}) are left alone, so every remote operation can set it.
     */
    public static TransportConfigCallback callback(Optional<Path> key, Optional<Path> knownHosts) {
        SshdSessionFactory factory = FACTORIES.computeIfAbsent(key + "|" + knownHosts, k -> {
            File home = FS.DETECTED.userHome();
            File sshDir = new File(home, ".ssh");
            Path hosts = knownHosts.orElse(sshDir.toPath().resolve("known_hosts"));
            SshdSessionFactoryBuilder builder = new SshdSessionFactoryBuilder().setHomeDirectory(home)
                    .setSshDirectory(sshDir).setDefaultKnownHostsFiles(dir -> List.of(hosts))
                    // JGit's own known_hosts reader (an internal class: SshSessionsTest notices if an upgrade moves it)
                    .setServerKeyDatabase((homeDir, dir) -> strict(new OpenSshServerKeyDatabase(false,
                            List.of(hosts))));
            key.ifPresent(file -> builder.setDefaultIdentities(dir -> List.of(file)));
            return builder.build(null);
        });
        return transport -> {
            if (transport instanceof SshTransport) {
                ((SshTransport) transport).setSshSessionFactory(factory);
            }
        };
    }

    /**
     * Why a configured key or known_hosts {@code file} cannot be used, naming its configuration {@code property};
     * empty when it is unset or a readable file. For the services' checks at start.
     */
    public static Optional<String> unreadable(Optional<Path> file, String property) {
        return file.filter(f -> !Files.isReadable(f) || Files.isDirectory(f))
                .map(f -> property + " " + f + " is not a readable file");
    }

    /**
     * Whether {@code failure} (a JGit exception, with its causes) is the refusal of a server's host key, so that a
     * caller can say so in its own words rather than JGit's.
     */
    public static boolean hostKeyRefused(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(REFUSED)) {
                return true;
            }
        }
        return false;
    }

    /**
     * When {@code failure} is the refusal of the host key of the server at {@code url}: what happened and what to do,
     * naming the host and the known_hosts file ({@code knownHosts}, else {@code ~/.ssh/known_hosts}) — JGit itself
     * only says "Server key did not validate". Empty for any other failure.
     */
    public static Optional<String> refusal(Throwable failure, String url, Optional<Path> knownHosts) {
        if (!hostKeyRefused(failure)) {
            return Optional.empty();
        }
        String host;
        try {
            URIish uri = new URIish(url);
            host = uri.getPort() > 0 ? "[" + uri.getHost() + "]:" + uri.getPort() : uri.getHost();
        } catch (URISyntaxException notAUrl) {
            host = "the server";
        }
        return Optional.of("the SSH host key of " + host + " is not in known_hosts "
                + knownHosts.map(Path::toString).orElse("~/.ssh/known_hosts") + ": refused (add the server's key to"
                + " that file, e.g. from ssh-keyscan, after checking its fingerprint)");
    }

    /**
     * {@code known} checked as OpenSSH's {@code StrictHostKeyChecking yes} against its own file alone: neither
     * {@code ~/.ssh/config}'s {@code StrictHostKeyChecking} and {@code UserKnownHostsFile} nor the system's known_hosts
     * apply.
     */
    private static ServerKeyDatabase strict(ServerKeyDatabase known) {
        return new ServerKeyDatabase() {
            @Override
            public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress,
                    Configuration config) {
                return known.lookup(connectAddress, remoteAddress, new Strict(config));
            }

            @Override
            public boolean accept(String connectAddress, InetSocketAddress remoteAddress, PublicKey serverKey,
                    Configuration config, CredentialsProvider provider) {
                return known.accept(connectAddress, remoteAddress, serverKey, new Strict(config), null);
            }
        };
    }

    /** A host's SSH configuration with strict checking and no known_hosts files beyond the configured one. */
    private record Strict(ServerKeyDatabase.Configuration host) implements ServerKeyDatabase.Configuration {

        @Override
        public List<String> getUserKnownHostsFiles() {
            return List.of();
        }

        @Override
        public List<String> getGlobalKnownHostsFiles() {
            return List.of();
        }

        @Override
        public StrictHostKeyChecking getStrictHostKeyChecking() {
            return StrictHostKeyChecking.REQUIRE_MATCH;
        }

        @Override
        public boolean getHashKnownHosts() {
            return false;
        }

        @Override
        public String getUsername() {
            return host.getUsername();
        }
    }
}
