package dev.quayside.edgerouter.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quayside.edgerouter.support.FreePorts;
import dev.quayside.edgerouter.support.Http;
import dev.quayside.edgerouter.support.TestHaproxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** edge-router supervises the HAProxy it started. */
class HaproxySupervisionTest {

    @TempDir
    Path dir;

    private static String config(int port) {
        return TestHaproxy.answering(port);
    }

    @Test
    void aMasterThatDiesIsRestarted() throws Exception {
        int port = FreePorts.next();
        HaproxyClient haproxy = new HaproxyClient(TestHaproxy.settings(dir));
        Files.writeString(haproxy.settings().configFile(), config(port));
        try {
            haproxy.start();
            long master = haproxy.showProc().masterPid();
            ProcessHandle.of(master).orElseThrow().destroyForcibly();
            Awaitility.await("restarted").atMost(Duration.ofSeconds(15)).ignoreExceptions()
                    .until(() -> haproxy.restarts() == 1 && haproxy.showProc().masterPid() != master
                            && Http.get(port, "any", "/").body().equals("up"));
        } finally {
            haproxy.stop();
        }
        assertThat(haproxy.supervising()).isFalse();
    }

    @Test
    void aConfigurationThatCannotStartFailsWithHaproxysMessage() throws Exception {
        HaproxyClient haproxy = new HaproxyClient(TestHaproxy.settings(dir));
        Files.writeString(haproxy.settings().configFile(), config(FreePorts.next()) + "    bogus-keyword on\n");
        try {
            assertThatThrownBy(haproxy::start).isInstanceOf(java.io.IOException.class)
                    .hasMessageContaining("HAProxy exited with").hasMessageContaining("bogus-keyword");
        } finally {
            haproxy.stop();
        }
    }
}
