package dev.quayside.devstack.docker;

import dev.quayside.devstack.common.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Docker registry ({@code distribution}, Debian package {@code docker-registry}) on 127.0.0.1, storing its
 * blobs in a folder of ours. Docker treats registries on 127.0.0.0/8 as insecure by default, so no TLS is needed.
 */
public final class LocalRegistry implements AutoCloseable {

    public static final String BINARY = "/usr/bin/docker-registry";
    private static final String MANIFEST_TYPES = String.join(",",
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json");

    private final Process process;
    private final int port;
    private final Path storage;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private LocalRegistry(Process process, int port, Path storage) {
        this.process = process;
        this.port = port;
        this.storage = storage;
    }

    /** Starts a registry on {@code port} (0 = a free one) storing into {@code storage} (null = a temp folder). */
    public static LocalRegistry start(int port, Path storage) {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException(BINARY + " is missing: run `bin/quayside setup` (installs docker-registry)");
        }
        try {
            Path dir = storage != null ? storage : Files.createTempDirectory("quayside-registry-");
            Files.createDirectories(dir);
            int chosen = port == 0 ? FreePorts.pick() : port;
            Path config = dir.resolve("config.yml");
            Files.writeString(config, String.join("\n",
                    "version: 0.1",
                    "log:",
                    "  level: warn",
                    "storage:",
                    "  filesystem:",
                    "    rootdirectory: " + dir.resolve("data"),
                    "  delete:",
                    "    enabled: true",
                    "http:",
                    "  addr: 127.0.0.1:" + chosen,
                    ""));
            Process process = new ProcessBuilder(BINARY, "serve", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("registry.log").toFile()))
                    .start();
            LocalRegistry registry = new LocalRegistry(process, chosen, dir);
            registry.awaitReady(Duration.ofSeconds(20));
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the registry", e);
        }
    }

    /** {@code 127.0.0.1:<port>}: the host part of image names pushed here. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path storage() {
        return storage;
    }

    /** The digest of {@code name:tag} as the registry reports it ({@code Docker-Content-Digest}), if it has it. */
    public Optional<String> digest(String name, String tag) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address() + "/v2/" + name + "/manifests/" + tag))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Accept", MANIFEST_TYPES)
                .timeout(Duration.ofSeconds(5))
                .build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() == 404) {
                return Optional.empty();
            }
            if (response.statusCode() != 200) {
                throw new IllegalStateException("registry answered " + response.statusCode() + " for " + name + ":" + tag);
            }
            return response.headers().firstValue("Docker-Content-Digest");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void awaitReady(Duration timeout) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited with " + process.exitValue() + ": "
                        + Files.readString(storage.resolve("registry.log"), StandardCharsets.UTF_8));
            }
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(URI.create("http://" + address() + "/v2/")).timeout(Duration.ofSeconds(1))
                                .build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        close();
        throw new IllegalStateException("docker-registry did not answer on " + address() + " within " + timeout);
    }
}
