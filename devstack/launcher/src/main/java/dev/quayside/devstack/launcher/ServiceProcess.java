package dev.quayside.devstack.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Quayside service as its own JVM, run from its packaged Quarkus app ({@code <module>/target/quarkus-app}),
 * configured through system properties, logging to a file. It can be stopped gracefully ({@link #close()}) or killed
 * like {@code kill -9} ({@link #kill()}), and started again with the very same command line ({@link #restart()}).
 */
public final class ServiceProcess implements AutoCloseable {

    /** The services' JVM options, one per line (a {@code java @file} argument file), relative to the checkout. */
    public static final String JVM_OPTIONS = "deploy/jvm.options";

    /**
     * The class-data archive's file name, beside {@code quarkus-app/} in the module's {@code target/}: a build replaces
     * {@code quarkus-app/} as a whole, the archive outlives it ({@code bin/quayside} keeps {@code quarkus-run.jar} as
     * it was when its class path did not change, so that the JVM still accepts the archive).
     */
    public static final String ARCHIVE = "app-cds.jsa";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;
    private final Instant started;
    private final boolean recording;
    private final ProcessBuilder builder;

    private ServiceProcess(String name, int port, Process process, Path log, Instant started, boolean recording,
            ProcessBuilder builder) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
        this.started = started;
        this.recording = recording;
        this.builder = builder;
    }

    /**
     * What a start does with the service's class-data archive {@code target/app-cds.jsa} (AppCDS: the classes a
     * run loaded, mapped at the next start instead of loaded, parsed and verified again; docs/operations.md). An
     * archive is current when it is newer than the packaged app ({@code quarkus-run.jar}, rewritten by every build).
     */
    public enum ClassArchive {
        /** Use a current archive; start without one when there is none. */
        USE,
        /**
         * Use a current archive; when there is none, this run records one: the JVM writes every class it loaded to
         * {@code target/app-cds.jsa} when the service stops (gracefully, see {@link #close()}). Never for two instances of
         * one module at a time: they would write the same file.
         */
        USE_OR_RECORD
    }

    /** {@link #start(Path, String, int, Map, Path, ClassArchive)} using a current class-data archive if there is one. */
    public static ServiceProcess start(Path root, String module, int port, Map<String, String> properties,
            Path logDir) {
        return start(root, module, port, properties, logDir, ClassArchive.USE);
    }

    /**
     * Starts {@code module}'s packaged app with {@code properties} as system properties (they win over the app's
     * {@code application.properties}), its HTTP server on 127.0.0.1:{@code port}. The JVM options are the ones every
     * deployment uses ({@code deploy/jvm.options}, see docs/operations.md); {@code archive} says what happens with the
     * class-data archive.
     */
    public static ServiceProcess start(Path root, String module, int port, Map<String, String> properties,
            Path logDir, ClassArchive archive) {
        Path app = appOf(root, module);
        if (!Files.isRegularFile(app.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException(app.resolve("quarkus-run.jar")
                    + " is missing: build first (./mvnw -B package -DskipTests)");
        }
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve(module + ".log");
            List<String> command = new ArrayList<>(List.of(javaBinary(),
                    "@" + root.resolve(JVM_OPTIONS).toAbsolutePath()));
            // the archive names the class path as it was recorded (relative), hence the working directory
            boolean recording = false;
            if (hasCurrentArchive(app)) {
                command.add("-XX:SharedArchiveFile=../" + ARCHIVE);
            } else if (archive == ClassArchive.USE_OR_RECORD) {
                recording = true;
                Files.deleteIfExists(archiveOf(app));
                command.add("-XX:ArchiveClassesAtExit=../" + ARCHIVE);
            }
            command.add("-Dquarkus.http.port=" + port);
            command.add("-Dquarkus.http.host=127.0.0.1");
            command.add("-Dquarkus.log.console.json.enabled=false");
            properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
            command.add("-jar");
            command.add("quarkus-run.jar");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(app.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
            // glibc's per-thread malloc arenas are 64 MB reservations each; two are plenty for these services
            builder.environment().put("MALLOC_ARENA_MAX", "2");
            return new ServiceProcess(module, port, builder.start(), log, Instant.now(), recording, builder);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + module, e);
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The JVM's command line, as it was started (and is started again by {@link #restart()}). */
    public List<String> command() {
        return List.copyOf(builder.command());
    }

    /**
     * Starts the service again with the same command line, working directory and environment, its output appended to
     * the same log (after a line naming the restart). The old process must have exited ({@link #kill()},
     * {@link #close()}, or a crash).
     */
    public ServiceProcess restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") still runs: stop or kill it first");
        }
        try {
            Files.writeString(log, "---- restarted at " + Instant.now() + " with the same command line (previous pid "
                    + process.pid() + ", exit " + process.exitValue() + ")\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            return new ServiceProcess(name, port, builder.start(), log, Instant.now(), recording, builder);
        } catch (IOException e) {
            throw new UncheckedIOException("could not restart " + name, e);
        }
    }

    /**
     * Kills the JVM at once with SIGKILL, as {@code kill -9} does: no shutdown hook runs, nothing is flushed or
     * committed, connections are cut. Returns when the process has exited.
     */
    public void kill() {
        if (!process.isAlive()) {
            return;
        }
        process.destroyForcibly(); // SIGKILL on Unix
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " (pid " + process.pid() + ") did not exit within 30 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until {@code /q/health/ready} answers UP; returns how long after start that was. */
    public Duration awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        String last = "no answer";
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log " + log + ":\n"
                        + logTail(40));
            }
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return Duration.between(started, Instant.now());
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Pause.millis(20);
        }
        throw new IllegalStateException(name + " was not ready within " + timeout + " (last answer: " + last + "); log "
                + log + ":\n" + logTail(40));
    }

    /** The last lines of the service's log. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * Stops the service gracefully (SIGTERM; a run that records a class-data archive writes it now) and kills it when
     * it has not exited after 15 s (60 s when it records: writing the archive takes seconds on a busy machine).
     */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            // writing a class-data archive at exit took over 60 s for eight JVMs on a machine at load 13 (the
            // training run then found no archive): a recording process gets three minutes
            if (!process.waitFor(recording ? 180 : 15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** {@code module}'s packaged app, the {@code quarkus-app} directory. */
    public static Path appOf(Path root, String module) {
        return root.resolve(module).resolve("target/quarkus-app");
    }

    /** The class-data archive of {@code app} (a {@code quarkus-app} directory). */
    public static Path archiveOf(Path app) {
        return app.resolveSibling(ARCHIVE);
    }

    /** Whether {@code app} (a {@code quarkus-app} directory) has a class-data archive newer than its packaged app. */
    public static boolean hasCurrentArchive(Path app) {
        try {
            Path archive = archiveOf(app);
            return Files.isRegularFile(archive) && Files.getLastModifiedTime(archive)
                    .compareTo(Files.getLastModifiedTime(app.resolve("quarkus-run.jar"))) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

}
