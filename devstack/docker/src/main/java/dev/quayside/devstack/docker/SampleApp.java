package dev.quayside.devstack.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The sample application the pipeline deploys: a tiny HTTP service that builds offline, {@code FROM scratch} with
 * Debian's statically linked busybox serving {@code /health}, {@code /version} and {@code /} with {@code httpd}.
 * <p>
 * It stops like a well-behaved service under a grace period ({@code docker stop --time}, Marathon's
 * {@code taskKillGracePeriodSeconds}): a busybox {@code sh} entrypoint ({@value #SCRIPT}) runs {@code httpd} and, on
 * SIGTERM or SIGINT, fails its health check at once ({@code /health} answers 404), keeps serving everything else for
 * {@value #DRAIN_ENV} seconds (default {@value #DEFAULT_DRAIN_SECONDS}) so that requests in flight and requests sent
 * before the load balancers took it out still succeed, then stops {@code httpd} and exits 0.
 */
public final class SampleApp {

    /** Port the sample app listens on inside its container. */
    public static final int PORT = 8080;
    public static final Path BUSYBOX = Path.of("/bin/busybox");
    /** The entrypoint script, in the image's root. */
    public static final String SCRIPT = "serve.sh";
    /** Environment variable: seconds the app keeps serving after SIGTERM. */
    public static final String DRAIN_ENV = "DRAIN_SECONDS";
    public static final int DEFAULT_DRAIN_SECONDS = 2;

    /** Runs httpd; on SIGTERM/SIGINT: health fails, serving goes on for the drain time, then a clean exit. */
    static final String SERVE = String.join("\n",
            "# The sample app's entrypoint (busybox sh). On SIGTERM or SIGINT it fails its health check at once, keeps",
            "# serving for $" + DRAIN_ENV + " seconds while load balancers take it out, then stops httpd and exits 0.",
            "bb=/bin/busybox",
            "$bb httpd -f -p " + PORT + " -h /www &",
            "httpd=$!",
            "drain() {",
            "  trap '' TERM INT",
            "  $bb rm -f /www/health",
            "  $bb sleep \"${" + DRAIN_ENV + ":-" + DEFAULT_DRAIN_SECONDS + "}\"",
            "  kill -TERM \"$httpd\" 2>/dev/null",
            "  wait \"$httpd\"",
            "  exit 0",
            "}",
            "trap drain TERM INT",
            "wait \"$httpd\"",
            "");

    private SampleApp() {
    }

    /**
     * Writes the app's source (Dockerfile, busybox binary, web root) into {@code dir}, serving {@code version}.
     * The result is both a Docker build context and the content of the sample app's Git repository.
     */
    public static Path writeSource(Path dir, String version) {
        if (!Files.isRegularFile(BUSYBOX)) {
            throw new IllegalStateException(BUSYBOX + " is missing: run `bin/quayside setup` (installs busybox-static)");
        }
        try {
            Files.createDirectories(dir.resolve("www"));
            Files.copy(BUSYBOX, dir.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(dir.resolve("Dockerfile"), String.join("\n",
                    "FROM scratch",
                    "COPY busybox /bin/busybox",
                    "COPY " + SCRIPT + " /" + SCRIPT,
                    "COPY www /www",
                    "EXPOSE " + PORT,
                    "ENTRYPOINT [\"/bin/busybox\", \"sh\", \"/" + SCRIPT + "\"]",
                    ""));
            Files.writeString(dir.resolve(SCRIPT), SERVE);
            Files.writeString(dir.resolve(".dockerignore"), ".git\n");
            setVersion(dir, version);
            Files.writeString(dir.resolve("www/health"), "ok\n");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Changes the version the app serves (what a developer's commit does). */
    public static void setVersion(Path dir, String version) {
        try {
            Files.writeString(dir.resolve("www/version"), version + "\n");
            Files.writeString(dir.resolve("www/index.html"), "sample-app " + version + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Creates a bare repository at {@code bare} holding the sample app as its first commit on {@code main}, through
     * the {@code git} CLI, and returns the commit id.
     */
    public static String createRepository(Path bare, Path work, String version) {
        git(null, "init", "-q", "--bare", "-b", "main", bare.toString());
        git(null, "init", "-q", "-b", "main", work.toString());
        git(work, "remote", "add", "origin", bare.toString());
        writeSource(work, version);
        return commitAndPush(work, "sample-app " + version);
    }

    /** Commits everything in {@code work} and pushes it to {@code origin main}; returns the new commit id. */
    public static String commitAndPush(Path work, String message) {
        git(work, "add", "-A");
        git(work, "-c", "user.name=Quayside Sample", "-c", "user.email=sample@quayside.invalid",
                "commit", "-q", "-m", message);
        git(work, "push", "-q", "origin", "main");
        return git(work, "rev-parse", "HEAD").trim();
    }

    /** Runs {@code git} and returns its standard output, or an exception with its error output. */
    public static String git(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            if (dir != null) {
                builder.directory(dir.toFile());
            }
            Process process = builder.start();
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("git " + String.join(" ", args) + " failed: " + new String(err));
            }
            return new String(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
