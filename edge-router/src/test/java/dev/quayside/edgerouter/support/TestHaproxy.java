package dev.quayside.edgerouter.support;

import dev.quayside.edgerouter.client.HaproxyClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** HAProxy settings for one test: every file in a temp dir, the front end on a free 127.0.0.1 port. */
public final class TestHaproxy {

    private TestHaproxy() {
    }

    /** A configuration whose front end on {@code port} answers {@code up} to every request. */
    public static String answering(int port) {
        return """
                global
                    hard-stop-after 5s
                defaults
                    mode http
                    timeout connect 5s
                    timeout client 5s
                    timeout server 5s
                frontend http_in
                    bind 127.0.0.1:%d
                    http-request return status 200 content-type text/plain string up
                """.formatted(port);
    }

    public static HaproxyClient.Settings settings(Path dir) throws IOException {
        Files.createDirectories(dir);
        return new HaproxyClient.Settings(Path.of("/usr/sbin/haproxy"), dir.resolve("haproxy.cfg"),
                dir.resolve("master.sock"), dir.resolve("haproxy.log"), true, Duration.ofSeconds(10));
    }
}
