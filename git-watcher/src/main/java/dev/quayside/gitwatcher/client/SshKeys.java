package dev.quayside.gitwatcher.client;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.eclipse.jgit.util.FS;

/** SSH remotes through JGit's Apache MINA sshd transport, with one configured private key and known_hosts file. */
final class SshKeys {

    private static final Map<String, SshdSessionFactory> FACTORIES = new ConcurrentHashMap<>();

    private SshKeys() {
    }

    static TransportConfigCallback callback(Path key, Path knownHosts) {
        SshdSessionFactory factory = FACTORIES.computeIfAbsent(key + "|" + knownHosts, k -> {
            File home = FS.DETECTED.userHome();
            File sshDir = new File(home, ".ssh");
            return new SshdSessionFactoryBuilder()
                    .setHomeDirectory(home)
                    .setSshDirectory(sshDir)
                    .setDefaultIdentities(dir -> List.of(key))
                    .setDefaultKnownHostsFiles(dir -> List.of(knownHosts != null ? knownHosts
                            : sshDir.toPath().resolve("known_hosts")))
                    .build(null);
        });
        return transport -> {
            if (transport instanceof SshTransport) {
                ((SshTransport) transport).setSshSessionFactory(factory);
            }
        };
    }
}
