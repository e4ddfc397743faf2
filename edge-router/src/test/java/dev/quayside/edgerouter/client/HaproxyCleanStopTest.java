package dev.quayside.edgerouter.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quayside.edgerouter.support.FreePorts;
import dev.quayside.edgerouter.support.Http;
import dev.quayside.edgerouter.support.TestHaproxy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clean stop: edge-router never (re)starts HAProxy while it is stopping, and HAProxy cannot outlive the process that
 * supervises it, not even after {@code kill -9} of that process (the orphan HAProxy of issue #22 kept serving an old
 * configuration on the front-end port, and the next run's HAProxy shared the port with it).
 */
class HaproxyCleanStopTest {

    @TempDir
    Path dir;

    private static String config(int port) {
        return TestHaproxy.answering(port);
    }

    /** Every live process whose command line names {@code path}. */
    private static List<ProcessHandle> processesUsing(Path path) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(path.toString()))
                .toList();
    }

    private static boolean refused(int port) {
        try {
            Http.get(port, "any", "/");
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void aMasterThatDiesWhileTheServiceStopsIsNotStartedAgain() throws Exception {
        int port = FreePorts.next();
        HaproxyClient haproxy = new HaproxyClient(TestHaproxy.settings(dir));
        Files.writeString(haproxy.settings().configFile(), config(port));
        try {
            haproxy.start();
            ProcessHandle.of(haproxy.showProc().masterPid()).orElseThrow().destroyForcibly();
            // the supervisor schedules a restart; the service is being stopped meanwhile (bin/quayside down)
            Awaitility.await("restart scheduled").atMost(Duration.ofSeconds(5)).until(() -> haproxy.restarts() == 1);
            haproxy.stop();
            Thread.sleep(2_000); // longer than the first restart delay (250 ms) plus a start
            assertThat(processesUsing(haproxy.settings().configFile()))
                    .as("no HAProxy started during or after the stop").isEmpty();
            assertThat(refused(port)).as("nothing listens on the front end").isTrue();
            haproxy.start();
            assertThat(haproxy.supervising()).as("a start after a stop is allowed").isTrue();
        } finally {
            haproxy.stop();
            processesUsing(haproxy.settings().configFile()).forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void haproxyDiesWithItsSupervisorEvenAfterKill9() throws Exception {
        int port = FreePorts.next();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process supervisor = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                SupervisorMain.class.getName(), dir.toString(), String.valueOf(port))
                .redirectError(dir.resolve("supervisor.err").toFile()).start();
        try {
            String line;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(supervisor.getInputStream(),
                    StandardCharsets.UTF_8))) {
                line = out.readLine();
            }
            assertThat(line).as("the supervisor started HAProxy (stderr: %s)",
                    Files.exists(dir.resolve("supervisor.err")) ? Files.readString(dir.resolve("supervisor.err")) : "")
                    .startsWith("started ");
            long master = Long.parseLong(line.split(" ")[1]);
            long worker = Long.parseLong(line.split(" ")[2]);
            assertThat(Http.get(port, "any", "/").body()).isEqualTo("up");

            supervisor.destroyForcibly(); // kill -9: no shutdown hook runs
            assertThat(supervisor.waitFor(10, TimeUnit.SECONDS)).isTrue();

            Awaitility.await("HAProxy's master and worker die with their supervisor").atMost(Duration.ofSeconds(10))
                    .until(() -> ProcessHandle.of(master).map(p -> !p.isAlive()).orElse(true)
                            && ProcessHandle.of(worker).map(p -> !p.isAlive()).orElse(true));
            assertThat(refused(port)).as("nothing listens on the front end").isTrue();
        } finally {
            supervisor.destroyForcibly();
            processesUsing(dir.resolve("haproxy.cfg")).forEach(ProcessHandle::destroyForcibly);
        }
    }
}
