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
 * HAProxy ({@code -W -S <master socket>}) or drives one started by others, reloads it through the master CLI so the
 * new worker takes over the listening sockets while old workers drain (bounded by {@code hard-stop-after}), and
 * changes servers at run time through the current worker's runtime API ({@code @1 <command>} on the master CLI).
 * <p>
 * A supervised HAProxy never outlives its supervisor: it is started through {@code setpriv --pdeathsig} (util-linux)
 * from one long-lived supervisor thread, so the kernel signals the master when that thread ends, however the JVM
 * ends ({@code kill -9} included); the master stops its workers. Once {@link #stop()} began, a restart that was
 * scheduled after a crash does nothing: HAProxy is only started again by an explicit {@link #start()}.
 */
public class HaproxyClient {

    private static final Logger LOG = Logger.getLogger(HaproxyClient.class);

    /** The signal a supervised HAProxy master gets when its supervisor ends ({@code setpriv --pdeathsig}). */
    public static final String DEFAULT_PARENT_DEATH_SIGNAL = "TERM";
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    /**
     * Where HAProxy and its files are, and whether edge-router owns the process.
     *
     * @param parentDeathSignal the signal the master gets when edge-router ends (e.g. {@code TERM}), or
     *                          {@code none}
     */
    public record Settings(Path binary, Path configFile, Path masterSocket, Path logFile, boolean supervise,
            Duration commandTimeout, String parentDeathSignal) {

        public Settings(Path binary, Path configFile, Path masterSocket, Path logFile, boolean supervise,
                Duration commandTimeout) {
            this(binary, configFile, masterSocket, logFile, supervise, commandTimeout, DEFAULT_PARENT_DEATH_SIGNAL);
        }
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
    private final Timer runtimeTimer;
    /**
     * Starts every supervised HAProxy and lives as long as this client: the parent-death signal fires when the thread
     * that started the process ends, so it must not be a short-lived one.
     */
    private final java.util.concurrent.ScheduledExecutorService supervisor =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "haproxy-supervisor");
                thread.setDaemon(true);
                return thread;
            });
    private volatile Process master;
    private volatile boolean stopping;
    private volatile int restarts;
    private java.util.concurrent.ScheduledFuture<?> pendingRestart;

    public HaproxyClient(Settings settings) {
        this(settings, new SimpleMeterRegistry());
    }

    public HaproxyClient(Settings settings, MeterRegistry registry) {
        this.settings = settings;
        this.cli = new MasterCli(settings.masterSocket());
        this.validateTimer = Timer.builder("quayside.edge-router.haproxy.validate").register(registry);
        this.reloadTimer = Timer.builder("quayside.edge-router.haproxy.reload").register(registry);
        this.runtimeTimer = Timer.builder("quayside.edge-router.haproxy.runtime")
                .description("one runtime API command through the master CLI").register(registry);
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
     * runs. External mode: checks that the master CLI answers. Allowed again after {@link #stop()}.
     */
    public void start() throws IOException {
        stopping = false;
        if (!settings.supervise()) {
            ProcessList procs = showProc();
            LOG.infof("driving the HAProxy master %d at %s (%d worker(s))", procs.masterPid(),
                    settings.masterSocket(), procs.workers().size());
            return;
        }
        onSupervisor(() -> {
            launch();
            return null;
        });
    }

    private interface Work<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code work} on the supervisor thread and waits for it: every start, restart and stop of the process runs
     * there, one after the other, so a stop can never be overtaken by a restart.
     */
    private <T> T onSupervisor(Work<T> work) throws IOException {
        try {
            return supervisor.submit(work::run).get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the HAProxy supervisor", e);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IOException("the HAProxy supervisor is gone", e);
        }
    }

    /** Starts the supervised master and waits for its first worker (supervisor thread only). */
    private void launch() throws IOException {
        if (master != null && master.isAlive()) {
            return;
        }
        Files.createDirectories(settings.masterSocket().toAbsolutePath().getParent());
        Files.deleteIfExists(settings.masterSocket());
        List<String> command = new ArrayList<>();
        String signal = settings.parentDeathSignal();
        if (signal != null && !signal.isBlank() && !"none".equalsIgnoreCase(signal)) {
            if (Files.isExecutable(SETPRIV)) {
                command.addAll(List.of(SETPRIV.toString(), "--pdeathsig", signal, "--"));
            } else {
                LOG.warnf("%s (util-linux) is missing: HAProxy could outlive edge-router", SETPRIV);
            }
        }
        command.addAll(List.of(settings.binary().toString(), "-W", "-S", settings.masterSocket() + ",mode,600", "-f",
                settings.configFile().toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(settings.logFile().toFile())).start();
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

    private synchronized void onMasterExit(Process process) {
        if (stopping || process != master) {
            return;
        }
        restarts++;
        LOG.errorf("HAProxy master exited with %d; restarting it (restart %d). Log: %s", process.exitValue(),
                restarts, logTail());
        try {
            pendingRestart = supervisor.schedule(this::restartAfterCrash, Math.min(10_000, 250L * restarts),
                    TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("supervisor gone: no restart");
        }
    }

    /** A restart scheduled after a crash (supervisor thread): does nothing once {@link #stop()} began. */
    private void restartAfterCrash() {
        if (stopping) {
            LOG.info("not restarting HAProxy: edge-router is stopping");
            return;
        }
        try {
            launch();
        } catch (IOException e) {
            LOG.errorf("could not restart HAProxy: %s", e.getMessage());
        }
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

    /**
     * Supervise mode: stops HAProxy (its workers with it) and cancels any restart a crash scheduled; no restart
     * happens afterwards. External mode: leaves it running.
     */
    public void stop() {
        stopping = true;
        synchronized (this) {
            if (pendingRestart != null) {
                pendingRestart.cancel(false);
                pendingRestart = null;
            }
        }
        if (!settings.supervise()) {
            return;
        }
        try {
            onSupervisor(() -> {
                terminate();
                return null;
            });
        } catch (IOException e) {
            LOG.warnf("stopping HAProxy on the supervisor thread failed (%s); stopping it here", e.getMessage());
            terminate();
        }
    }

    private void terminate() {
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

    /** True once {@link #stop()} began and until the next explicit {@link #start()}. */
    public boolean stopping() {
        return stopping;
    }

    /**
     * Sends one command to the current worker's runtime API ({@code @1 <command>} on the master CLI) and returns its
     * answer, trimmed.
     */
    public String runtime(String command) throws IOException {
        long start = System.nanoTime();
        try {
            return cli.send("@1 " + command, settings.commandTimeout()).strip();
        } finally {
            runtimeTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Adds a server to a running backend ({@code add server}, HAProxy 2.5+) from its configuration line's arguments,
     * enables its health check when it has one, and puts it in rotation.
     *
     * @throws IOException with HAProxy's answer when the runtime API refuses it (e.g. an option dynamic servers lack)
     */
    public void addServer(String backend, String name, String arguments, boolean checked) throws IOException {
        String path = backend + "/" + name;
        expect(runtime("add server " + path + " " + arguments), "New server registered", "add server " + path);
        if (checked) {
            resumeHealthCheck(backend, name);
        }
        expect(runtime("enable server " + path), "", "enable server " + path);
    }

    /**
     * Sets a server's administrative state: {@code drain} (no new requests, the ones in flight finish),
     * {@code maint} or {@code ready}.
     */
    public void setServerState(String backend, String name, String state) throws IOException {
        String path = backend + "/" + name;
        expect(runtime("set server " + path + " state " + state), "", "set server " + path + " state " + state);
    }

    /**
     * Keeps a server in rotation whatever its health check says: stops the check ({@code disable health}) and marks
     * the server up ({@code set server ... health up}). For the last server of a backend while its task drains: the
     * task fails its own health check on purpose as soon as it gets its stop signal, and HAProxy's check would
     * otherwise take the backend's only server down before a replacement is in rotation.
     */
    public void pinUp(String backend, String name) throws IOException {
        String path = backend + "/" + name;
        expect(runtime("disable health " + path), "", "disable health " + path);
        expect(runtime("set server " + path + " health up"), "", "set server " + path + " health up");
    }

    /** Turns a server's health check on ({@code enable health}): after {@link #pinUp}, and for a new checked server. */
    public void resumeHealthCheck(String backend, String name) throws IOException {
        String path = backend + "/" + name;
        expect(runtime("enable health " + path), "", "enable health " + path);
    }

    /**
     * Removes a server in maintenance that has no connection left ({@code del server}).
     *
     * @return false when HAProxy still has connections on it (try later); true when it is gone
     */
    public boolean deleteServer(String backend, String name) throws IOException {
        String answer = runtime("del server " + backend + "/" + name);
        if (answer.contains("Server deleted") || answer.contains("No such server")) {
            return true;
        }
        if (answer.contains("connection") || answer.contains("queue")) {
            return false;
        }
        throw new IOException("del server " + backend + "/" + name + ": " + answer);
    }

    private static void expect(String answer, String wanted, String what) throws IOException {
        boolean ok = wanted.isEmpty() ? answer.isEmpty() : answer.contains(wanted);
        if (!ok) {
            throw new IOException(what + ": " + (answer.isEmpty() ? "no answer" : answer));
        }
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
