package dev.quayside.configsyncer.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Quarkus test resource: the devstack Consul stand-in ({@code ConsulStandInMain}) in a child JVM, so that its
 * Vert.x and Json classes never meet the Quarkus application's class loaders (in the same JVM, requests failed
 * with {@code IllegalAccessError} between {@code ConsulStandIn} and {@code Replies}, or with Quarkus's Json codec
 * initialised half-way through start-up). Sets {@code quayside.consul.url}.
 */
public class ConsulProcessResource implements QuarkusTestResourceLifecycleManager {

    static String url;
    private Process process;

    @Override
    public Map<String, String> start() {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                    "dev.quayside.devstack.consul.ConsulStandInMain", "--port", String.valueOf(port)))
                    .redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        if (line.contains("listening on")) {
                            return line;
                        }
                    }
                    return null;
                } catch (IOException e) {
                    return null;
                }
            });
            if (ready.get(60, TimeUnit.SECONDS) == null) {
                throw new IllegalStateException("the Consul stand-in exited before listening");
            }
            // keep draining its output so it never blocks on a full pipe
            Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "consul-standin-output");
            drain.setDaemon(true);
            drain.start();
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("cannot start the Consul stand-in: " + e.getMessage(), e);
        }
        url = "http://127.0.0.1:" + port;
        return Map.of("quayside.consul.url", url);
    }

    @Override
    public void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }
}
