package dev.quayside.imagebuilder.service;

import dev.quayside.imagebuilder.client.GitClient;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The log of one build: streamed line by line, the last lines kept for {@code BuildFinished}; URLs lose their user
 * information on the way in. A held log keeps its lines until {@link #release()} (a tag push whose build is not yet
 * decided streams nothing).
 */
final class BuildLog implements Consumer<String> {

    private static final Logger LOG = Logger.getLogger(BuildLog.class);

    private final String buildId;
    private final int tailSize;
    private final Consumer<String> stream;
    private final Deque<String> tail = new ArrayDeque<>();
    private List<String> held;

    BuildLog(String buildId, int tailSize, Consumer<String> stream, boolean hold) {
        this.buildId = buildId;
        this.tailSize = tailSize;
        this.stream = stream;
        this.held = hold ? new ArrayList<>() : null;
    }

    @Override
    public void accept(String raw) {
        String line = GitClient.redact(raw);
        synchronized (tail) {
            if (tailSize > 0) { // 0: BuildFinished carries no log tail (quayside.builder.log-tail-lines)
                if (tail.size() == tailSize) {
                    tail.removeFirst();
                }
                tail.addLast(line);
            }
            if (held != null) {
                held.add(line);
                return;
            }
        }
        LOG.debugf("[%s] %s", buildId, line);
        send(line);
    }

    /** Streams the held lines and every later one. */
    void release() {
        List<String> lines;
        synchronized (tail) {
            lines = held == null ? List.of() : held;
            held = null;
        }
        lines.forEach(this::send);
    }

    private void send(String line) {
        try {
            stream.accept(line);
        } catch (RuntimeException e) {
            LOG.warnf("build log line of %s not sent: %s", buildId, e.getMessage());
        }
    }

    List<String> tail() {
        synchronized (tail) {
            return List.copyOf(new ArrayList<>(tail));
        }
    }
}
