package dev.quayside.devstack.mesos;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
                List.of("/bin/sh", "-c"), List.of(shell), List.of(),
                Map.of(DockerTasks.LABEL_STAND_IN, STAND_IN, DockerTasks.LABEL_TASK_ID, name), List.of(), 0.1, 16));
    }

    /**
     * Waits until the task's shell says "armed": its trap is installed and the container's init forwards signals. A
     * signal before that is lost (the init is PID 1 and has no handler yet) or meets no trap.
     */
    static String armed(String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            StringBuilder out = new StringBuilder();
            docker.client().logContainerCmd(id).withStdOut(true).withStdErr(true)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame frame) {
                            out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                        }
                    }).awaitCompletion(5, TimeUnit.SECONDS);
            if (out.toString().contains("armed")) {
                return id;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("task " + id + " never installed its trap");
    }

    @Test
    void theStopSignalEndsATaskThatHeedsIt() throws InterruptedException {
        // no trap: SIGTERM's default action ends the shell (it is not PID 1: the container runs an init)
        String id = armed(run("heeds", "echo armed; while true; do /bin/busybox sleep 0.2; done"));
        DockerTasks.Exit exit = docker.kill(id, 10);
        assertThat(exit.exitCode()).as("128 + SIGTERM, long before the 10 s grace period").isEqualTo(143L);
        assertThat(docker.list(DockerTasks.LABEL_STAND_IN, STAND_IN)).filteredOn(c -> c.id().equals(id))
                .extracting(DockerTasks.Owned::running).containsExactly(false);
        docker.remove(id);
    }

    @Test
    void aHandlerRunsToItsEndWithinTheGracePeriodAndSigkillEndsOneThatOutlivesIt() throws InterruptedException {
        String handler = "trap '/bin/busybox sleep 1; exit 3' TERM; echo armed; while true; do /bin/busybox sleep 0.2; done";
        String quick = armed(run("quick", handler));
        assertThat(docker.kill(quick, 8).exitCode()).as("the handler's own status").isEqualTo(3L);
        docker.remove(quick);
        String stubborn = armed(run("stubborn", "trap '' TERM; echo armed; while true; do /bin/busybox sleep 0.2; done"));
        assertThat(docker.kill(stubborn, 1).exitCode()).as("128 + SIGKILL after the grace period").isEqualTo(137L);
        docker.remove(stubborn);
    }
}
