package dev.quayside.devstack.mesos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The agent's kill, as Mesos' Docker executor's: {@code docker stop --time <grace>}, then how the container ended. */
class DockerTasksTest {

    static final String STAND_IN = "mesos-test-" + UUID.randomUUID().toString().substring(0, 8);
    static DockerTasks docker;

    @BeforeAll
    static void start() {
        SampleImages.build();
        docker = new DockerTasks(null, true);
    }

    @AfterAll
    static void stop() {
        docker.removeAll(STAND_IN, DockerTasks.LABEL_TASK_ID);
        assertThat(docker.list(DockerTasks.LABEL_STAND_IN, STAND_IN)).as("nothing left").isEmpty();
        docker.close();
    }

    static String run(String name, String shell) throws InterruptedException {
        return docker.run(new DockerTasks.Spec(name + "-" + STAND_IN, SampleImages.V1, false,
                shell == null ? null : List.of("/bin/sh", "-c"), shell == null ? null : List.of(shell), List.of(),
                Map.of(DockerTasks.LABEL_STAND_IN, STAND_IN, DockerTasks.LABEL_TASK_ID, name), List.of(), 0.1, 16));
    }

    @Test
    void theStopSignalEndsATaskThatHeedsIt() throws InterruptedException {
        String id = run("heeds", null); // busybox httpd: SIGTERM ends it
        DockerTasks.Exit exit = docker.kill(id, 10);
        assertThat(exit.exitCode()).as("128 + SIGTERM, long before the 10 s grace period").isEqualTo(143L);
        assertThat(docker.list(DockerTasks.LABEL_STAND_IN, STAND_IN)).filteredOn(c -> c.id().equals(id))
                .extracting(DockerTasks.Owned::running).containsExactly(false);
        docker.remove(id);
    }

    @Test
    void aHandlerRunsToItsEndWithinTheGracePeriodAndSigkillEndsOneThatOutlivesIt() throws InterruptedException {
        String handler = "trap '/bin/busybox sleep 1; exit 3' TERM; while true; do /bin/busybox sleep 0.2; done";
        String quick = run("quick", handler);
        assertThat(docker.kill(quick, 8).exitCode()).as("the handler's own status").isEqualTo(3L);
        docker.remove(quick);
        String stubborn = run("stubborn", "trap '' TERM; while true; do /bin/busybox sleep 0.2; done");
        assertThat(docker.kill(stubborn, 1).exitCode()).as("128 + SIGKILL after the grace period").isEqualTo(137L);
        docker.remove(stubborn);
    }
}
