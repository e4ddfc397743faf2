package dev.quayside.devstack.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.quayside.devstack.common.FreePorts;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/quayside devstack PART} for every part the README and {@code docs/devstack-*.md} give: the script has the
 * case, it names a main class of the module whose class path it builds (the marathon case named a class that did not
 * exist: ClassNotFoundException), and the command as a user types it starts the part, which answers on the port it
 * was given and stops on SIGTERM.
 */
class DevstackCommandsTest {

    static final Path ROOT = root();
    static final Pattern CASE = Pattern.compile(
            "(?m)^\\s*([a-z]+)\\)\\s+exec java -cp \"\\$\\(classpath_of ([^)]+)\\)\" (\\S+) \"\\$@\" ;;");
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path home;

    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("bin/quayside"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("bin/quayside above the working directory").isNotNull();
        return dir;
    }

    /** The script's devstack cases: part → {module, main class}. */
    static Map<String, String[]> cases() throws IOException {
        String script = Files.readString(ROOT.resolve("bin/quayside"));
        String body = script.substring(script.indexOf("cmd_devstack() {"));
        body = body.substring(0, body.indexOf("\n}\n"));
        Map<String, String[]> cases = new LinkedHashMap<>();
        Matcher m = CASE.matcher(body);
        while (m.find()) {
            cases.put(m.group(1), new String[] {m.group(2), m.group(3)});
        }
        return cases;
    }

    /** The parts the README and the devstack docs tell a user to run. */
    static Set<String> documentedParts() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
            files.filter(f -> f.getFileName().toString().matches("devstack-.*\\.md")).forEach(docs::add);
        }
        Set<String> parts = new TreeSet<>();
        for (Path doc : docs) {
            Matcher m = Pattern.compile("bin/quayside devstack ([a-z]+)").matcher(Files.readString(doc));
            while (m.find()) {
                parts.add(m.group(1));
            }
        }
        return parts;
    }

    @Test
    void everyDocumentedPartIsACaseNamingAMainClassOfItsModule() throws Exception {
        Map<String, String[]> cases = cases();
        assertThat(cases.keySet()).as("bin/quayside's devstack cases")
                .containsAll(documentedParts()).contains("kafka", "consul", "marathon", "chronos", "registry");
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            String module = c.getValue()[0];
            String main = c.getValue()[1];
            assertThat(ROOT.resolve(module).resolve("src/main/java").resolve(main.replace('.', '/') + ".java"))
                    .as(c.getKey() + ": " + main + " in " + module).isRegularFile();
            Method method = Class.forName(main).getMethod("main", String[].class);
            assertThat(Modifier.isStatic(method.getModifiers())).as(main).isTrue();
        }
    }

    @Test
    void everyPartStartsThroughTheScriptAndStopsOnSigterm() throws Exception {
        Map<String, String[]> cases = cases();
        Path data = Files.createDirectories(home.resolve("data"));
        String id = "cmd-" + UUID.randomUUID().toString().substring(0, 8);
        for (String part : cases.keySet()) {
            int port = FreePorts.pick();
            List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port)));
            String address = "127.0.0.1:" + port;
            String probe = "http://" + address;
            String banner;
            switch (part) {
                case "kafka" -> {
                    args.addAll(List.of("--data-dir", data.resolve("kafka").toString()));
                    probe = null; // not HTTP: its banner names its port
                    banner = "Kafka broker ready on " + address;
                }
                case "consul" -> {
                    probe += "/v1/status/leader";
                    banner = "Consul stand-in listening on http://" + address;
                }
                case "marathon" -> {
                    args.addAll(List.of("--chronos-port", String.valueOf(FreePorts.pick()), "--id", id,
                            "--stop-tasks-on-exit", "--state-dir", data.resolve("marathon").toString()));
                    probe += "/ping";
                    banner = "Marathon stand-in: http://" + address;
                }
                case "chronos" -> {
                    args.addAll(List.of("--id", id, "--stop-jobs-on-exit", "--state-dir",
                            data.resolve("chronos").toString()));
                    probe += "/v1/scheduler/jobs";
                    banner = "Chronos stand-in: http://" + address;
                }
                case "registry" -> {
                    args.addAll(List.of("--data-dir", data.resolve("registry").toString()));
                    probe += "/v2/";
                    banner = "registry ready on " + address;
                }
                default -> throw new AssertionError("a devstack part this test does not know how to probe: " + part);
            }
            runs(part, cases.get(part)[0], args, port, banner, probe);
        }
    }

    /** {@code bin/quayside devstack part args}, its class path given in the script's cache (no Maven run). */
    void runs(String part, String module, List<String> args, int port, String banner, String probe)
            throws Exception {
        Path cache = Files.createDirectories(home.resolve("classpath")).resolve(module.replace('/', '_') + ".cp");
        Files.writeString(cache, System.getProperty("java.class.path"), StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("bin/quayside").toString(), "devstack", part));
        command.addAll(args);
        Path log = home.resolve(part + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("QUAYSIDE_HOME", home.toString());
        builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":"
                + System.getenv("PATH"));
        Process process = builder.start();
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .failFast(part + " exited: " + log, () -> !process.isAlive())
                    .until(() -> Files.readString(log).contains(banner) && (probe == null
                            || HTTP.send(HttpRequest.newBuilder(URI.create(probe)).timeout(Duration.ofSeconds(5))
                                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200));
            process.destroy(); // SIGTERM: the script exec'd java, whose shutdown hook stops the part
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(part + " stopped on SIGTERM").isTrue();
            // nothing it started outlives it (the registry's and the broker's own processes included)
            try (Socket socket = new Socket()) {
                assertThatThrownBy(() -> socket.connect(new InetSocketAddress("127.0.0.1", port), 2000))
                        .as(part + " still listens on " + port + " after it stopped").isInstanceOf(IOException.class);
            }
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
        assertThat(Files.readString(log)).as(part).doesNotContain("ClassNotFoundException");
    }
}
