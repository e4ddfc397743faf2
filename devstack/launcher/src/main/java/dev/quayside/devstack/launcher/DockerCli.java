package dev.quayside.devstack.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The {@code docker} CLI for the harnesses' own images (build, tag, push, rmi), bounded in time. */
public final class DockerCli {

    private DockerCli() {
    }

    /** Runs {@code docker <args>}; returns its output, or fails with it when it exits non-zero or overruns. */
    public static String run(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        try {
            Path output = Files.createTempFile("quayside-docker-cli-", ".log");
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(output.toFile()).start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("docker " + String.join(" ", args) + " took longer than " + timeout);
                }
                String text = Files.readString(output);
                if (process.exitValue() != 0) {
                    throw new IllegalStateException("docker " + String.join(" ", args) + " failed: " + text);
                }
                return text;
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
