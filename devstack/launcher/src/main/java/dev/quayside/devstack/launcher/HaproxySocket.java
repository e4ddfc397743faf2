package dev.quayside.devstack.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The master CLI socket of a stack's edge-router HAProxy, and the HAProxy left behind on it: in edge-router's work
 * directory, unless that path is too long for a Unix socket (a deep temporary folder), then in a short folder of its
 * own under {@code java.io.tmpdir}, removed again when the stack closes.
 */
final class HaproxySocket {

    /** Longest Unix socket path HAProxy binds (108 bytes with its temporary suffix), with a margin. */
    static final int MAX_SOCKET_PATH = 80;
    private static final String TEMP_PREFIX = "qs-haproxy-";

    private final Path home;
    private Path socket;

    /** The socket of the stack kept in {@code home}. */
    HaproxySocket(Path home) {
        this.home = home;
    }

    /** The socket's path, chosen on the first call. */
    synchronized Path path() {
        if (socket == null) {
            Path path = home.resolve("work/edge-router/master.sock").toAbsolutePath();
            if (path.toString().length() > MAX_SOCKET_PATH) {
                try {
                    path = Files.createTempDirectory(TEMP_PREFIX).resolve("master.sock");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            socket = path;
        }
        return socket;
    }

    /**
     * Stops any HAProxy an edge-router of the stack left behind on the socket (one that was killed leaves its HAProxy
     * running; a restarted one adopts it, but the last one may not stop it), then removes the socket's own folder if
     * it has one. Nothing when the socket was never chosen.
     */
    synchronized void cleanUp() {
        if (socket == null) {
            return;
        }
        stopLeftOverHaproxy();
        if (socket.getParent().getFileName().toString().startsWith(TEMP_PREFIX)) {
            try (var files = Files.list(socket.getParent())) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
                Files.deleteIfExists(socket.getParent());
            } catch (IOException e) {
                System.out.println("could not remove " + socket.getParent() + ": " + e);
            }
        }
    }

    private void stopLeftOverHaproxy() {
        String path = socket.toString();
        List<ProcessHandle> left = ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                .map(line -> line.contains("haproxy") && line.contains(" -S " + path)).orElse(false)).toList();
        left.forEach(ProcessHandle::destroy);
        for (ProcessHandle process : left) {
            try {
                process.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                process.destroyForcibly();
            }
        }
    }
}
