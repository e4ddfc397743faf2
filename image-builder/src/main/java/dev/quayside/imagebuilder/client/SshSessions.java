package dev.quayside.imagebuilder.client;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.eclipse.jgit.util.FS;

/**
 * SSH remotes through JGit's Apache MINA sshd transport: the configured private key (else the user's
 * {@code ~/.ssh} identities) and known_hosts file (else {@code ~/.ssh/known_hosts}); a server whose host key is not
 * in it is refused. One session factory per key and known_hosts pair, kept for the service's life.
 */
final class SshSessions {

    private static final Map<String, SshdSessionFactory> FACTORIES = new ConcurrentHashMap<>();

    private SshSessions() {
    }

    /** Sets the session factory on SSH transports; other transports are left alone. */
    static TransportConfigCallback callback(Optional<Path> key, Optional<Path> knownHosts) {
        SshdSessionFactory factory = FACTORIES.computeIfAbsent(key + "|" + knownHosts, k -> {
            File home = FS.DETECTED.userHome();
            File sshDir = new File(home, ".ssh");
            SshdSessionFactoryBuilder builder = new SshdSessionFactoryBuilder().setHomeDirectory(home)
                    .setSshDirectory(sshDir)
                    .setDefaultKnownHostsFiles(dir -> List.of(knownHosts.orElse(dir.toPath().resolve("known_hosts"))));
            key.ifPresent(file -> builder.setDefaultIdentities(dir -> List.of(file)));
            return builder.build(null);
        });
        return transport -> {
            if (transport instanceof SshTransport) {
                ((SshTransport) transport).setSshSessionFactory(factory);
            }
        };
    }
}
