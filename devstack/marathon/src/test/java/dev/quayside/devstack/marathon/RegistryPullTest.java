package dev.quayside.devstack.marathon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.PushResponseItem;
import dev.quayside.devstack.docker.LocalRegistry;
import dev.quayside.devstack.mesos.DockerTasks;
import dev.quayside.devstack.mesos.Http;
import dev.quayside.devstack.mesos.SampleImages;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An app whose image is only in the local registry: the stand-in pulls it, then runs it. */
class RegistryPullTest {

    @RegisterExtension
    static MarathonStandInExtension extension = new MarathonStandInExtension();

    static LocalRegistry registry;
    static DockerTasks docker;
    static String image;

    @BeforeAll
    static void push() throws InterruptedException {
        SampleImages.build();
        registry = LocalRegistry.start(0, null);
        docker = new DockerTasks(null, true);
        String repository = registry.address() + "/quayside/marathon-sample";
        String tag = "pull-" + System.nanoTime();
        image = repository + ":" + tag;
        docker.client().tagImageCmd(SampleImages.V1, repository, tag).exec();
        docker.client().pushImageCmd(repository).withTag(tag).exec(new ResultCallback.Adapter<PushResponseItem>())
                .awaitCompletion(60, TimeUnit.SECONDS);
        assertThat(registry.digest("quayside/marathon-sample", tag)).as("pushed").isPresent();
        docker.client().removeImageCmd(image).exec(); // only the tag: now it is in the registry alone
    }

    @AfterAll
    static void cleanUp() {
        try {
            docker.client().removeImageCmd(image).exec();
        } catch (NotFoundException e) {
            // not pulled
        }
        docker.close();
        registry.close();
    }

    @Test
    void pullsAMissingImageFromTheLocalRegistry() {
        String url = extension.marathonUrl();
        JsonObject app = MarathonDeploymentTest.app(image).put("id", "/registry/pulled");
        assertThat(Http.send("POST", url + "/v2/apps", app.encode()).status()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> Http.get(url
                + "/v2/apps/registry/pulled").json().getJsonObject("app").getInteger("tasksHealthy") == 1);
        assertThat(docker.client().inspectImageCmd(image).exec().getRepoTags()).contains(image);
        int port = Http.get(url + "/v2/apps/registry/pulled").json().getJsonObject("app").getJsonArray("tasks")
                .getJsonObject(0).getJsonArray("ports").getInteger(0);
        assertThat(Http.get("http://127.0.0.1:" + port + "/version").body()).isEqualTo("v1");
    }
}
