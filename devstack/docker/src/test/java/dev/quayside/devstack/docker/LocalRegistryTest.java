package dev.quayside.devstack.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.PushResponseItem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRegistryTest {

    private static LocalRegistry registry;
    private static DockerClient docker;

    @BeforeAll
    static void start() {
        docker = DockerEngine.requireRunning();
        registry = LocalRegistry.start(0, null);
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @Test
    void aLocallyBuiltImageIsPushedAndPulledBackByDigest(@TempDir Path dir) throws Exception {
        SampleApp.writeSource(dir, "1.0.0");
        String image = registry.address() + "/sample-app";
        String imageId = docker.buildImageCmd(dir.toFile())
                .withTags(Set.of(image + ":v1"))
                .exec(new BuildImageResultCallback())
                .awaitImageId(2, TimeUnit.MINUTES);
        assertThat(imageId).isNotBlank();

        docker.pushImageCmd(image).withTag("v1").exec(new ResultCallback.Adapter<PushResponseItem>())
                .awaitCompletion(2, TimeUnit.MINUTES);
        String digest = registry.digest("sample-app", "v1").orElseThrow();
        assertThat(digest).matches("sha256:[0-9a-f]{64}");
        assertThat(registry.digest("sample-app", "no-such-tag")).isEmpty();

        docker.removeImageCmd(image + ":v1").withForce(true).exec();
        assertThat(imageExists(image + ":v1")).isFalse();

        docker.pullImageCmd(image + "@" + digest).exec(new PullImageResultCallback()).awaitCompletion(2, TimeUnit.MINUTES);
        var pulled = docker.inspectImageCmd(image + "@" + digest).exec();
        assertThat(pulled.getId()).startsWith("sha256:" + imageId);
        assertThat(pulled.getRepoDigests()).contains(image + "@" + digest);
    }

    @Test
    void theSampleAppServesItsVersionFromAContainer(@TempDir Path dir) throws Exception {
        SampleApp.writeSource(dir, "2.0.0");
        assertThat(Files.readString(dir.resolve("www/version"))).isEqualTo("2.0.0\n");
        String tag = "quayside-sample-test:" + System.nanoTime();
        docker.buildImageCmd(dir.toFile()).withTags(Set.of(tag)).exec(new BuildImageResultCallback())
                .awaitImageId(2, TimeUnit.MINUTES);
        var container = docker.createContainerCmd(tag)
                .withHostConfig(com.github.dockerjava.api.model.HostConfig.newHostConfig()
                        .withPortBindings(com.github.dockerjava.api.model.PortBinding.parse("127.0.0.1::8080")))
                .exec();
        try {
            docker.startContainerCmd(container.getId()).exec();
            var ports = docker.inspectContainerCmd(container.getId()).exec().getNetworkSettings().getPorts()
                    .getBindings().get(com.github.dockerjava.api.model.ExposedPort.tcp(8080));
            assertThat(ports[0].getHostIp()).isEqualTo("127.0.0.1");
            var client = java.net.http.HttpClient.newHttpClient();
            var uri = java.net.URI.create("http://127.0.0.1:" + ports[0].getHostPortSpec() + "/version");
            String body = null;
            for (int i = 0; i < 50 && body == null; i++) {
                try {
                    body = client.send(java.net.http.HttpRequest.newBuilder(uri).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                } catch (java.io.IOException notYet) {
                    Thread.sleep(100);
                }
            }
            assertThat(body).isEqualTo("2.0.0\n");
        } finally {
            docker.removeContainerCmd(container.getId()).withForce(true).exec();
            docker.removeImageCmd(tag).withForce(true).exec();
        }
    }

    private static boolean imageExists(String name) {
        try {
            docker.inspectImageCmd(name).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }
}
