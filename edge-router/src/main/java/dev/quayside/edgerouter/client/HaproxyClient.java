package dev.quayside.edgerouter.client;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The one door to HAProxy: validates configurations with {@code haproxy -c}, starts and supervises a master-worker
 * HAProxy ({@code -W -S <master socket>}) or drives one started by others, and reloads it through the master CLI so the
 * new worker takes over the listening sockets while old workers drain (bounded by {@code hard-stop-after}).
 */
public class HaproxyClient {

    private static final Logger LOG = Logger.getLogger(HaproxyClient.class);

    /** Where HAProxy and its files are, and whether edge-router owns the process. */
    public record Settings(Path binary, Path configFile, Path masterSocket, Path logFile, boolean supervise,
            Duration commandTimeout) {
    }

    /** The result of {@code haproxy -c}. */
    public record Validation(boolean valid, String message) {
    }

    /** The result of a reload. */
    public record Reload(boolean reloaded, String message, long workerPid) {
    }

    private final Settings settings;
    private final MasterCli cli;
    private final Timer validateTimer;
    private final Timer reloadTimer;
    private volatile Process master;
    private volatile boolean stopping;
    private volatile int restarts;

    public HaproxyClient(Settings settings) {
        this(settings, new SimpleMeterRegistry());
    }

    public HaproxyClient(Settings settings, MeterRegistry registry) {
        this.settings = settings;
        this.cli = new MasterCli(settings.masterSocket());
        this.validateTimer = Timer.builder("quayside.edge-router.haproxy.validate").register(registry);
        this.reloadTimer = Timer.builder("quayside.edge-router.haproxy.reload").register(registry);
    }

    public Settings settings() {
        return settings;
    }

    /** Checks a configuration file with {@code haproxy -c -f}; the message is HAProxy's own output. */
    public Validation validate(Path config) {
        return validateTimer.record(() -> {
            try {
                Result result = run(List.of(settings.binary().toString(), "-c", "-f", config.toString()));
                // HAProxy's notices (version, path) say nothing about the configuration
                String message = result.output().lines().filter(line -> !line.startsWith("[NOTICE]"))
                        .collect(java.util.stream.Collectors.joining("\n")).strip();
                return new Validation(result.exitCode() == 0, message);
            } catch (IOException e) {
                return new Validation(false, "could not run " + settings.binary() + ": " + e.getMessage());
            }
        });
    }

    /**
     * Validates {@code candidate}, then moves it over the live configuration file (atomically, same directory).
     * An invalid candidate is left where it is and the live file is untouched.
     */
    public Validation install(Path candidate) throws IOException {
        Validation validation = validate(candidate);
        if (validation.valid()) {
            Files.move(candidate, settings.configFile(), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        }
        return validation;
    }

    /**
     * Supervise mode: starts HAProxy in master-worker mode on the live configuration and waits until its first worker
     * runs. External mode: checks that the master CLI answers.
     */
    public synchronized void start() throws IOException {
        stopping = false;
        if (!settings.supervise()) {
            ProcessList procs = showProc();
            LOG.infof("driving the HAProxy master %d at %s (%d worker(s))", procs.masterPid(),
                    settings.masterSocket(), procs.workers().size());
            return;
        }
        if (master != null && master.isAlive()) {
            return;
        }
        Files.createDirectories(settings.masterSocket().toAbsolutePath().getParent());
        Files.deleteIfExists(settings.masterSocket());
        List<String> command = List.of(settings.binary().toString(), "-W", "-S",
                settings.masterSocket() + ",mode,600", "-f", settings.configFile().toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(settings.logFile().toFile()));
        Process process = builder.start();
        master = process;
        long deadline = System.nanoTime() + settings.commandTimeout().toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("HAProxy exited with " + process.exitValue() + " at start: " + logTail());
            }
            try {
                ProcessList procs = showProc();
                if (!procs.workers().isEmpty()) {
                    LOG.infof("HAProxy master %d started with worker %d on %s", procs.masterPid(),
                            procs.currentWorkerPid(), settings.configFile());
                    process.onExit().thenRun(() -> onMasterExit(process));
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            sleep(20);
        }
        process.destroyForcibly();
        throw new IOException("HAProxy did not come up within " + settings.commandTimeout() + ": "
                + (last == null ? "" : last.getMessage() + "; ") + logTail());
    }

    private void onMasterExit(Process process) {
        if (stopping || process != master) {
            return;
        }
        restarts++;
        LOG.errorf("HAProxy master exited with %d; restarting it (restart %d). Log: %s", process.exitValue(),
                restarts, logTail());
        Thread restarter = new Thread(() -> {
            sleep(Math.min(10_000, 250L * restarts));
            try {
                start();
            } catch (IOException e) {
                LOG.errorf("could not restart HAProxy: %s", e.getMessage());
            }
        }, "haproxy-restart");
        restarter.setDaemon(true);
        restarter.start();
    }

    /** How often the supervised master had to be restarted. */
    public int restarts() {
        return restarts;
    }

    public boolean supervising() {
        Process process = master;
        return process != null && process.isAlive();
    }

    public ProcessList showProc() throws IOException {
        return ProcessList.parse(cli.send("show proc", settings.commandTimeout()));
    }

    /**
     * Asks the master to reload ({@code reload} on the master CLI) and waits until the master counts one more reload
     * and runs a new worker. The old worker keeps serving its connections until they end or {@code hard-stop-after}.
     */
    public Reload reload() {
        long start = System.nanoTime();
        try {
            ProcessList before = showProc();
            try {
                cli.send("reload", settings.commandTimeout());
            } catch (IOException e) {
                // the master closes the CLI connection when it re-executes itself: not an error by itself
                LOG.debugf("master CLI closed during reload: %s", e.getMessage());
            }
            long deadline = System.nanoTime() + settings.commandTimeout().toNanos();
            String lastError = "";
            while (System.nanoTime() < deadline) {
                try {
                    ProcessList after = showProc();
                    if (after.failedReloads() > before.failedReloads()) {
                        return new Reload(false, "HAProxy refused the new configuration: " + logTail(),
                                before.currentWorkerPid());
                    }
                    if (after.reloads() > before.reloads() && !after.workers().isEmpty()
                            && after.currentWorkerPid() != before.currentWorkerPid()) {
                        return new Reload(true, "worker " + after.currentWorkerPid() + " took over from "
                                + before.currentWorkerPid(), after.currentWorkerPid());
                    }
                } catch (IOException | IllegalArgumentException e) {
                    lastError = e.getMessage();
                }
                sleep(10);
            }
            return new Reload(false, "no new worker within " + settings.commandTimeout() + " " + lastError + " "
                    + logTail(), -1);
        } catch (IOException e) {
            return new Reload(false, e.getMessage(), -1);
        } finally {
            reloadTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /** Supervise mode: stops HAProxy (its workers with it). External mode: leaves it running. */
    public synchronized void stop() {
        stopping = true;
        Process process = master;
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        master = null;
    }

    /** The last lines HAProxy wrote to its log file (supervise mode). */
    public String logTail() {
        try {
            if (settings.logFile() == null || !Files.exists(settings.logFile())) {
                return "";
            }
            List<String> lines = Files.readAllLines(settings.logFile(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Result(int exitCode, String output) {
    }

    private Result run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        try {
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within "
                        + settings.commandTimeout());
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
