package dev.quayside.devstack.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample app stops like a well-behaved service under a grace period: {@code docker stop --time 20} makes it fail
 * its health check at once while it keeps serving, then it exits 0 by itself (no SIGKILL at the end of the grace).
 */
class SampleAppDrainTest {

    private static final String TAG = "quayside-sample-drain-test:" + System.nanoTime();
    private static DockerClient docker;

    @TempDir
    static Path dir;

    @BeforeAll
    static void build() {
        docker = DockerEngine.requireRunning();
        SampleApp.writeSource(dir, "3.0.0");
        docker.buildImageCmd(dir.toFile()).withTags(Set.of(TAG)).exec(new BuildImageResultCallback())
                .awaitImageId(2, TimeUnit.MINUTES);
    }

    @AfterAll
    static void removeImage() {
        docker.removeImageCmd(TAG).withForce(true).exec();
    }

    @Test
    void onSigtermItFailsItsHealthCheckKeepsServingThenExitsCleanly() throws Exception {
        String id = docker.createContainerCmd(TAG).withEnv(List.of("DRAIN_SECONDS=3"))
                .withHostConfig(HostConfig.newHostConfig().withPortBindings(PortBinding.parse("127.0.0.1::8080")))
                .exec().getId();
        try {
            docker.startContainerCmd(id).exec();
            int port = Integer.parseInt(docker.inspectContainerCmd(id).exec().getNetworkSettings().getPorts()
                    .getBindings().get(ExposedPort.tcp(SampleApp.PORT))[0].getHostPortSpec());
            assertThat(awaitStatus(port, "/health", 200, Duration.ofSeconds(10))).as("healthy once up").isTrue();

            CompletableFuture<Void> stop = CompletableFuture.runAsync(
                    () -> docker.stopContainerCmd(id).withTimeout(20).exec());
            assertThat(awaitStatus(port, "/health", 404, Duration.ofSeconds(5)))
                    .as("SIGTERM makes /health fail at once").isTrue();
            assertThat(get(port, "/version")).as("still serving while it drains").isEqualTo(200);
            assertThat(stop.isDone()).as("still running while it drains").isFalse();

            stop.get(30, TimeUnit.SECONDS);
            var state = docker.inspectContainerCmd(id).exec().getState();
            assertThat(state.getRunning()).isFalse();
            assertThat(state.getExitCodeLong()).as("stopped by itself, not SIGKILLed at the end of the grace period")
                    .isZero();
        } finally {
            docker.removeContainerCmd(id).withForce(true).exec();
        }
    }

    private static boolean awaitStatus(int port, String path, int status, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (get(port, path) == status) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static int get(int port, String path) throws InterruptedException {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }
}
