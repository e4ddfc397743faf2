package dev.quayside.devstack.chronos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.mesos.DockerTasks;
import dev.quayside.devstack.mesos.Http;
import dev.quayside.devstack.mesos.SampleImages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Chronos jobs as real containers: a schedule that runs twice, a dependant after its parent, retries, errors. */
class ChronosStandInTest {

    static ChronosStandIn standIn;
    static String url;

    @BeforeAll
    static void start() {
        SampleImages.build();
        standIn = ChronosStandIn.start();
        url = standIn.url();
    }

    @AfterAll
    static void stop() {
        String id = standIn.standInId();
        standIn.close();
        try (DockerTasks docker = new DockerTasks(null, true)) {
            assertThat(docker.list(DockerTasks.LABEL_STAND_IN, id)).as("containers left by the stand-in").isEmpty();
        }
    }

    static JsonObject job(String name, String command) {
        return new JsonObject().put("name", name).put("command", command).put("owner", "dev@quayside")
                .put("retries", 0).put("cpus", 0.1).put("mem", 16)
                .put("container", new JsonObject().put("type", "DOCKER").put("image", SampleImages.V1));
    }

    static JsonObject find(String name) {
        Http.Response r = Http.get(url + "/v1/scheduler/jobs/search?name=" + name);
        assertThat(r.status()).isEqualTo(200);
        for (Object o : r.array()) {
            if (((JsonObject) o).getString("name").equals(name)) {
                return (JsonObject) o;
            }
        }
        throw new AssertionError("job " + name + " not listed: " + r.body());
    }

    @Test
    void aJobRunsTwiceOnAShortPeriodAndThenStops() {
        String start = Instant.now().plusSeconds(1).toString();
        Http.Response r = Http.send("POST", url + "/v1/scheduler/iso8601",
                job("twice", "echo run").put("schedule", "R2/" + start + "/PT2S").encode());
        assertThat(r.status()).as(r.body()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> find("twice").getInteger("successCount") == 2);
        JsonObject twice = find("twice");
        assertThat(twice.getInteger("errorCount")).isZero();
        assertThat(twice.getString("lastSuccess")).isNotEmpty();
        assertThat(twice.getString("schedule")).isEqualTo("R2/" + start + "/PT2S");
        sleep(3000);
        assertThat(find("twice").getInteger("successCount")).as("R2 means two runs").isEqualTo(2);
    }

    @Test
    void aDependentJobRunsAfterItsParentSucceeds() {
        String start = Instant.now().plusSeconds(1).toString();
        assertThat(Http.send("POST", url + "/v1/scheduler/iso8601", job("parent", "sleep 1")
                .put("schedule", "R1/" + start + "/PT1M").encode()).status()).isEqualTo(204);
        Http.Response child = Http.send("POST", url + "/scheduler/dependency", job("child", "echo child")
                .put("parents", new JsonArray().add("parent")).encode());
        assertThat(child.status()).as(child.body()).isEqualTo(204);
        assertThat(find("child").getInteger("successCount")).isZero();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> find("child").getInteger("successCount") == 1);
        JsonObject parent = find("parent");
        assertThat(parent.getInteger("successCount")).isEqualTo(1);
        assertThat(find("child").getString("lastSuccess")).isGreaterThan(parent.getString("lastSuccess"));
        assertThat(find("child").getJsonArray("parents")).containsExactly("parent");
    }

    @Test
    void aFailingJobIsRetriedThenCountedAsAnError() {
        Http.Response r = Http.send("POST", url + "/v1/scheduler/iso8601", job("failing", "exit 3")
                .put("retries", 1).put("schedule", "R/2030-01-01T00:00:00Z/P1D").encode());
        assertThat(r.status()).isEqualTo(204);
        assertThat(Http.send("PUT", url + "/v1/scheduler/job/failing", null).status()).as("run now").isEqualTo(204);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> find("failing").getInteger("errorCount") == 1);
        JsonObject failing = find("failing");
        assertThat(failing.getInteger("successCount")).isZero();
        assertThat(failing.getString("lastError")).isNotEmpty();
        assertThat(failing.getString("lastSuccess")).isEmpty();
    }

    @Test
    void badRequestsGet400() {
        assertThat(Http.send("POST", url + "/v1/scheduler/iso8601", job("bad name!", "true")
                .put("schedule", "R/2030-01-01T00:00:00Z/P1D").encode()).status()).as("bad name").isEqualTo(400);
        assertThat(Http.send("POST", url + "/v1/scheduler/iso8601", job("bad-schedule", "true")
                .put("schedule", "every day").encode()).status()).as("bad schedule").isEqualTo(400);
        assertThat(Http.send("POST", url + "/v1/scheduler/iso8601", job("bad-period", "true")
                .put("schedule", "R/2030-01-01T00:00:00Z/P1X").encode()).status()).as("bad period").isEqualTo(400);
        assertThat(Http.send("POST", url + "/v1/scheduler/iso8601", job("bad-start", "true")
                .put("schedule", "R/2030-13-01T00:00:00Z/P1D").encode()).status()).as("bad start").isEqualTo(400);
        assertThat(Http.send("POST", url + "/v1/scheduler/iso8601", "{").status()).as("broken JSON").isEqualTo(400);
        assertThat(Http.send("POST", url + "/v1/scheduler/dependency", job("orphan", "true")
                .put("parents", new JsonArray().add("no-such-parent")).encode()).status()).as("unknown parent")
                .isEqualTo(400);
        assertThat(Http.send("DELETE", url + "/v1/scheduler/job/no-such-job", null).status()).isEqualTo(400);
        assertThat(Http.send("PUT", url + "/scheduler/job/no-such-job", null).status()).isEqualTo(400);
    }

    @Test
    void deleteAndBothBasePaths() {
        assertThat(Http.send("POST", url + "/scheduler/iso8601", job("old-api", "true")
                .put("schedule", "R/2030-01-01T00:00:00Z/P1D").encode()).status()).isEqualTo(204);
        assertThat(Http.get(url + "/scheduler/jobs").array().stream()
                .anyMatch(j -> ((JsonObject) j).getString("name").equals("old-api"))).isTrue();
        assertThat(Http.get(url + "/v1/scheduler/jobs").array().stream()
                .anyMatch(j -> ((JsonObject) j).getString("name").equals("old-api"))).isTrue();
        assertThat(Http.send("DELETE", url + "/v1/scheduler/job/old-api", null).status()).isEqualTo(204);
        assertThat(Http.get(url + "/v1/scheduler/jobs/search?name=old-api").array()).isEmpty();
    }

    @Test
    void theDocumentedJobExamplesAreAccepted() throws Exception {
        Path dir = Paths.get(System.getProperty("quayside.shared.dir", "../shared"), "fixtures", "chronos");
        Assumptions.assumeTrue(Files.isDirectory(dir), "../shared/fixtures not found: " + dir.toAbsolutePath());
        // disabled, so that nothing tries to pull libmesos/ubuntu: accepting them is what is tested
        for (String file : new String[] {"iso8601-job.json", "docker-job.json", "sample-job.json"}) {
            JsonObject job = new JsonObject(Files.readString(dir.resolve(file))).put("disabled", true);
            Http.Response r = Http.send("POST", url + "/v1/scheduler/iso8601", job.encode());
            assertThat(r.status()).as(file + ": " + r.body()).isEqualTo(204);
            assertThat(find(job.getString("name")).getString("command")).isEqualTo(job.getString("command"));
        }
        JsonObject dependent = new JsonObject(Files.readString(dir.resolve("dependent-job.json"))).put("disabled", true);
        Http.Response missingParents = Http.send("POST", url + "/v1/scheduler/dependency", dependent.encode());
        assertThat(missingParents.status()).as("its parents do not exist here").isEqualTo(400);
        for (Object parent : dependent.getJsonArray("parents")) {
            assertThat(Http.send("POST", url + "/v1/scheduler/iso8601", new JsonObject().put("name", parent)
                    .put("command", "true").put("disabled", true).put("schedule", "R/2030-01-01T00:00:00Z/P1D")
                    .encode()).status()).isEqualTo(204);
        }
        assertThat(Http.send("POST", url + "/v1/scheduler/dependency", dependent.encode()).status()).isEqualTo(204);
        assertThat(find("hostings_earnings_summary").getInteger("successCount")).as("stats are not taken from input")
                .isZero();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
