package dev.quayside.registrator;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The devstack Consul stand-in as a child JVM ({@code ConsulStandInMain}, random port on 127.0.0.1), for
 * {@code @QuarkusTest}s: run in the test's own JVM through {@code ConsulStandInResource}, its classes end up split
 * between the application and the Quarkus class loaders and its handlers fail with {@code IllegalAccessError}.
 */
public class ConsulProcessResource implements QuarkusTestResourceLifecycleManager {

    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");
    private Process process;

    @Override
    public Map<String, String> start() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            process = new ProcessBuilder(List.of(java, "-Xmx96m", "-cp", System.getProperty("java.class.path"),
                    "dev.quayside.devstack.consul.ConsulStandInMain", "--port", "0"))
                    .redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String line;
            while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    drain(out);
                    return Map.of("quayside.consul.url", m.group(1));
                }
            }
            throw new IllegalStateException("the Consul stand-in did not say where it listens");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void drain(BufferedReader out) {
        Thread thread = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the pipe flowing
                }
            } catch (IOException e) {
                // process ended
            }
        }, "consul-standin-output");
        thread.setDaemon(true);
        thread.start();
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
        }
    }
}
