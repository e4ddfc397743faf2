package dev.quayside.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.devstack.launcher.LocalRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What must hold once a local run has stopped. */
final class StoppedRun {

    private StoppedRun() {
    }

    /**
     * Stops the run as {@code bin/quayside down} does ({@link LocalRun#close()}) and checks that nothing of it still
     * listens — the services, the board, HAProxy's front end, the broker, the stand-ins and the registry (issue #22: an
     * HAProxy started during the stop once kept the front end) — and that no log of the run holds one of
     * {@code secrets} (issue #18).
     */
    static void stopAndCheck(LocalRun run, Path home, Map<String, String> secrets) throws InterruptedException {
        Map<String, Integer> ports = new LinkedHashMap<>();
        run.services().forEach((name, process) -> ports.put(name, process.port()));
        ports.put("HAProxy front end", run.frontendPort());
        ports.put("Kafka", URI.create("kafka://" + run.stack().kafkaBootstrap()).getPort());
        ports.put("registry", URI.create("http://" + run.stack().registryAddress()).getPort());
        ports.put("Consul stand-in", URI.create(run.stack().consulUrl()).getPort());
        ports.put("Marathon stand-in", URI.create(run.stack().marathonUrl()).getPort());
        ports.put("Chronos stand-in", URI.create(run.stack().chronosUrl()).getPort());
        if (run.stack().secondMarathonUrl() != null) {
            ports.put("second Marathon stand-in", URI.create(run.stack().secondMarathonUrl()).getPort());
        }
        run.close();
        Map<String, Integer> listening = new LinkedHashMap<>(ports);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!listening.isEmpty() && System.nanoTime() < deadline) {
            listening.values().removeIf(port -> !accepts(port));
            Thread.sleep(200);
        }
        assertThat(listening).as("ports still listening 10 s after the run stopped (of %s)", ports).isEmpty();
        assertThat(secretsIn(home.resolve("logs"), secrets)).as("configured secrets in the services' logs").isEmpty();
    }

    private static List<String> secretsIn(Path logs, Map<String, String> secrets) {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(logs)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                secrets.forEach((what, value) -> {
                    if (text.contains(value)) {
                        found.add(what + " in " + logs.relativize(file));
                    }
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
