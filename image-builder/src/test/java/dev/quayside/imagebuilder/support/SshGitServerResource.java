package dev.quayside.imagebuilder.support;

import dev.quayside.devstack.git.SshGitServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A real SSH Git server ({@link SshGitServer}) and two repositories image-builder fetches over SSH: one whose URL
 * carries a password that must never leave image-builder, one whose server's host key the configured known_hosts does
 * not know. The test finds the names and the folder in {@code image-builder.test.ssh.*}.
 */
public class SshGitServerResource implements QuarkusTestResourceLifecycleManager {

    /** The password in the clone URL of the repository served over SSH. */
    public static final String PASSWORD = "s3cret-in-the-url";

    private SshGitServer server;

    @Override
    public Map<String, String> start() {
        Path dir;
        try {
            dir = Files.createTempDirectory("image-builder-ssh-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server = SshGitServer.start(dir, dir.resolve("keys"));
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String known = "over-ssh-" + suffix;
        String unknownHost = "unknown-host-" + suffix;
        Path emptyKnownHosts = dir.resolve("keys/empty_known_hosts");
        try {
            Files.writeString(emptyKnownHosts, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> config = new LinkedHashMap<>();
        config.put("image-builder.test.ssh.dir", dir.toString());
        config.put("image-builder.test.ssh.repository", known);
        config.put("image-builder.test.ssh.unknown-host-repository", unknownHost);
        config.put("image-builder.test.ssh.url", server.url(SshGitServer.USER, known));
        config.put("quayside.builder.ssh-key", server.clientKey().toString());
        config.put("quayside.builder.repositories." + known + ".url",
                server.url(SshGitServer.USER + ":" + PASSWORD, known));
        config.put("quayside.builder.repositories." + known + ".known-hosts", server.knownHosts().toString());
        config.put("quayside.builder.repositories." + unknownHost + ".url", server.url(SshGitServer.USER, unknownHost));
        config.put("quayside.builder.repositories." + unknownHost + ".known-hosts", emptyKnownHosts.toString());
        return config;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
