package dev.quayside.gitwatcher.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The {@code git} command line, for real bare repositories, clones and pushes. */
public final class Git {

    private Git() {
    }

    /** Runs git in {@code dir}; returns stdout+stderr, fails on a non-zero exit or after 60 s. */
    public static String run(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        try {
            Path output = Files.createTempFile("git-", ".out");
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().put("GIT_AUTHOR_NAME", "Ada Lovelace");
            builder.environment().put("GIT_AUTHOR_EMAIL", "ada@example.com");
            builder.environment().put("GIT_COMMITTER_NAME", "Ada Lovelace");
            builder.environment().put("GIT_COMMITTER_EMAIL", "ada@example.com");
            builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
            builder.environment().put("HOME", dir.toString());
            Process process = builder.start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("git " + String.join(" ", args) + " timed out");
            }
            String out = Files.readString(output, StandardCharsets.UTF_8);
            Files.deleteIfExists(output);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("git " + String.join(" ", args) + " failed:\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Creates a bare repository with {@code main} as its default branch. */
    public static Path bare(Path parent, String name) {
        Path dir = parent.resolve(name + ".git");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        run(dir, "init", "--bare", "-q", "-b", "main");
        return dir;
    }

    /** Clones {@code bare} into a work tree and makes a first commit on main, pushed. */
    public static Path cloneWithFirstCommit(Path bare, Path workTree) {
        run(bare.getParent(), "clone", "-q", bare.toString(), workTree.toString());
        run(workTree, "checkout", "-q", "-b", "main");
        commitFile(workTree, "README.md", "first\n", "First commit");
        run(workTree, "push", "-q", "origin", "main");
        return workTree;
    }

    /** Writes a file and commits it; returns the new commit id. */
    public static String commitFile(Path workTree, String file, String content, String message) {
        try {
            Path path = workTree.resolve(file);
            Files.createDirectories(path.getParent());
            Files.writeString(path, content);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        run(workTree, "add", file);
        run(workTree, "commit", "-q", "-m", message);
        return run(workTree, "rev-parse", "HEAD").trim();
    }
}
