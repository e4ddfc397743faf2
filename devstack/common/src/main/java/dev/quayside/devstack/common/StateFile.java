package dev.quayside.devstack.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * A snapshot on disk that a stand-in keeps its state in (optional, e.g. the Marathon stand-in's {@code stateDir}):
 * written in the background, newest snapshot wins, replaced atomically so a crash never leaves half a file.
 */
public final class StateFile {

    private static final Logger LOG = Logger.getLogger(StateFile.class.getName());

    private final Path file;
    private final boolean existed;
    private final AtomicReference<String> pending = new AtomicReference<>();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "stand-in-state-writer");
        t.setDaemon(true);
        return t;
    });

    public StateFile(Path file) {
        this.file = file;
        this.existed = Files.isRegularFile(file);
    }

    public Path path() {
        return file;
    }

    /** Whether the file was there when the stand-in started (then it, not what still runs, says what exists). */
    public boolean existed() {
        return existed;
    }

    /** The saved snapshot, or null when there was none at start. */
    public String read() {
        if (!existed) {
            return null;
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the stand-in state " + file + ": " + e.getMessage(), e);
        }
    }

    /** The saved snapshot parsed by {@code parser} (null when there was none); what does not parse is an error. */
    public <T> T read(Function<String, T> parser) {
        String text = read();
        if (text == null) {
            return null;
        }
        try {
            return parser.apply(text);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot read the stand-in state " + file + ": " + e.getMessage(), e);
        }
    }

    /** Schedules a write of this snapshot (a later snapshot replaces one not yet written). */
    public void write(String snapshot) {
        if (pending.getAndSet(snapshot) == null) {
            writer.submit(this::flush);
        }
    }

    private void flush() {
        String text = pending.getAndSet(null);
        if (text == null) {
            return;
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warning(() -> "Could not save the stand-in state to " + file + ": " + e.getMessage());
        }
    }

    /** Writes what is pending and stops the writer. */
    public void close() {
        writer.submit(this::flush);
        writer.shutdown();
        try {
            writer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
