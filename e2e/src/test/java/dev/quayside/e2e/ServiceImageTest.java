package dev.quayside.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.devstack.common.FreePorts;
import dev.quayside.devstack.kafka.KafkaBroker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service image built here, as `bin/quayside images` builds it (docs/service-images.md): the base image from this
 * machine's JDK and busybox (deploy/base/build-base.sh, nothing pulled), git-watcher's image on it
 * (deploy/Dockerfile.service), run with the host's network against the test's Kafka until it is ready, as uid 10001.
 * The container and both images are removed afterwards.
 */
class ServiceImageTest {

    static final Path ROOT = Path.of(System.getProperty("quayside.root", "..")).toAbsolutePath().normalize();
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String BASE = "quayside/jre-base:17-test-" + RUN;
    static final String IMAGE = "quayside-test/git-watcher:" + RUN;
    static final String CONTAINER = "quayside-service-image-test-" + RUN;

    @TempDir
    Path dir;

    @AfterEach
    void removeWhatItBuilt() throws Exception {
        docker(Duration.ofSeconds(60), "rm", "-f", "-v", CONTAINER);
        docker(Duration.ofSeconds(60), "rmi", IMAGE);
        docker(Duration.ofSeconds(60), "rmi", BASE);
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void gitWatchersImageBuiltHereGetsReadyAsANonRootUser() throws Exception {
        assertThat(ROOT.resolve("git-watcher/target/quarkus-app/quarkus-run.jar")).as("git-watcher is packaged").exists();
        run(Duration.ofMinutes(4), List.of(ROOT.resolve("deploy/base/build-base.sh").toString(),
                "--tag-suffix", "-test-" + RUN, "--no-haproxy"));
        run(Duration.ofMinutes(3), List.of("docker", "build", "-q", "-f", "deploy/Dockerfile.service",
                "--build-arg", "MODULE=git-watcher", "--build-arg", "BASE=" + BASE, "-t", IMAGE, "."));

        String bootstrap = KafkaBroker.sharedBootstrapServers();
        int port = FreePorts.pick();
        Path config = dir.resolve("application.properties");
        Files.writeString(config, "kafka.bootstrap.servers=" + bootstrap + "\n"
                + "quayside.git-watcher.repositories.shop.clone-url=file:///nonexistent/shop.git\n"
                + "quayside.git-watcher.repositories.shop.secret=image-test-secret\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        // the host's network: the container reaches the test's broker on 127.0.0.1 and listens on 127.0.0.1 only
        run(Duration.ofSeconds(60), List.of("docker", "run", "-d", "--name", CONTAINER, "--network", "host",
                "-e", "QUARKUS_HTTP_HOST=127.0.0.1", "-e", "QUARKUS_HTTP_PORT=" + port,
                "-v", config + ":/deployments/config/application.properties:ro", IMAGE));

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        int status = -1;
        while (status != 200) {
            assertThat(docker(Duration.ofSeconds(30), "inspect", "-f", "{{.State.Running}}", CONTAINER).output())
                    .as("the container runs; its log:\n" + logs()).isEqualTo("true");
            assertThat(System.nanoTime()).as("ready within 3 min; last status " + status + "; log:\n" + logs())
                    .isLessThan(deadline);
            try {
                status = http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException notYet) {
                status = -1;
            }
            if (status != 200) {
                Thread.sleep(500);
            }
        }

        String process = docker(Duration.ofSeconds(30), "exec", CONTAINER, "cat", "/proc/1/status").output();
        assertThat(process).as("pid 1 is the JVM").containsPattern("(?m)^Name:\\s+java$");
        assertThat(process).as("the JVM runs as quayside (uid and gid 10001)")
                .containsPattern("(?m)^Uid:\\s+10001\\s+10001\\s+10001\\s+10001$")
                .containsPattern("(?m)^Gid:\\s+10001\\s+10001\\s+10001\\s+10001$");
        assertThat(docker(Duration.ofSeconds(30), "exec", CONTAINER, "id", "-un").output()).isEqualTo("quayside");
        assertThat(docker(Duration.ofSeconds(30), "exec", CONTAINER, "java", "-version").output())
                .as("the jlink'ed runtime is a 17").contains("version \"17.");
        assertThat(docker(Duration.ofSeconds(30), "exec", CONTAINER, "sh", "/deployments/healthcheck",
                String.valueOf(port)).exitCode()).as("deploy/healthcheck (busybox wget) in the image").isZero();
        assertThat(docker(Duration.ofSeconds(30), "exec", CONTAINER, "sh", "/deployments/healthcheck",
                String.valueOf(FreePorts.pick())).exitCode()).as("the probe fails where nothing answers").isNotZero();
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/repositories")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).as("the mounted settings file is read").contains("shop");
    }

    String logs() throws Exception {
        return docker(Duration.ofSeconds(30), "logs", "--tail", "60", CONTAINER).output();
    }

    record Result(int exitCode, String output) {
    }

    static Result docker(Duration timeout, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return exec(timeout, command);
    }

    static void run(Duration timeout, List<String> command) throws Exception {
        Result result = exec(timeout, command);
        assertThat(result.exitCode()).as(String.join(" ", command) + ":\n" + result.output()).isZero();
    }

    static Result exec(Duration timeout, List<String> command) throws Exception {
        Path out = Files.createTempFile("quayside-image-test-", ".log");
        try {
            Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout + ":\n"
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8).strip());
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
