package dev.quayside.devstack.marathon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.common.FreePorts;
import dev.quayside.devstack.mesos.Http;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/quayside devstack marathon --port 18080} as the docs give it: the command names a main class that exists
 * (it named one that did not), and that class runs the stand-ins in the foreground until SIGTERM.
 */
class MarathonStandInMainTest {

    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("bin/quayside"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("bin/quayside above " + Path.of("").toAbsolutePath()).isNotNull();
        return dir;
    }

    @Test
    void binQuaysideRunsAMainClassOfThisModule() throws Exception {
        String script = Files.readString(repositoryRoot().resolve("bin/quayside"));
        Matcher line = Pattern.compile("(?m)^\\s*marathon\\)\\s+exec java -cp \"\\$\\(classpath_of ([^)]+)\\)\" (\\S+)")
                .matcher(script);
        assertThat(line.find()).as("the marathon case of cmd_devstack").isTrue();
        assertThat(line.group(1)).isEqualTo("devstack/marathon");
        Class<?> main = Class.forName(line.group(2));
        assertThat(main.getMethod("main", String[].class)).isNotNull();
    }

    @Test
    void theCommandRunsBothStandInsUntilSigterm() throws Exception {
        List<Integer> ports = FreePorts.pick(2, List.of());
        int marathonPort = ports.get(0);
        int chronosPort = ports.get(1);
        Process process = java("--port", String.valueOf(marathonPort), "--chronos-port", String.valueOf(chronosPort),
                "--id", "cli-" + UUID.randomUUID().toString().substring(0, 8), "--stop-tasks-on-exit");
        try {
            String marathon = "http://127.0.0.1:" + marathonPort;
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> Http.get(marathon + "/ping").body().equals("pong"));
            assertThat(Http.get(marathon + "/v2/info").json().getJsonObject("http_config").getInteger("http_port"))
                    .isEqualTo(marathonPort);
            assertThat(Http.get("http://127.0.0.1:" + chronosPort + "/v1/scheduler/jobs").body()).isEqualTo("[]");
            process.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the shutdown hook stops the stand-ins
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped").isTrue();
            assertThatThrownBy(() -> Http.get(marathon + "/ping")).isInstanceOf(UncheckedIOException.class);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void helpAndBadArguments() throws Exception {
        Process help = java("--help");
        assertThat(help.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(help.exitValue()).isZero();
        assertThat(output(help)).contains(MarathonStandInMain.USAGE);
        Process bad = java("--port", "x");
        assertThat(bad.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isEqualTo(2);
        assertThat(output(bad)).contains("--port needs a number, not \"x\"").contains(MarathonStandInMain.USAGE);
    }

    static Process java(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), MarathonStandInMain.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    static String output(Process process) throws IOException {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            return String.join("\n", reader.lines().toList());
        }
    }
}
