package dev.quayside.imagebuilder.service;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/** The log of one build: streamed line by line, the last lines kept for {@code BuildFinished}. */
final class BuildLog implements Consumer<String> {

    private static final Logger LOG = Logger.getLogger(BuildLog.class);

    private final String buildId;
    private final int tailSize;
    private final Consumer<String> stream;
    private final Deque<String> tail = new ArrayDeque<>();

    BuildLog(String buildId, int tailSize, Consumer<String> stream) {
        this.buildId = buildId;
        this.tailSize = tailSize;
        this.stream = stream;
    }

    @Override
    public void accept(String line) {
        synchronized (tail) {
            if (tail.size() == tailSize) {
                tail.removeFirst();
            }
            tail.addLast(line);
        }
        LOG.debugf("[%s] %s", buildId, line);
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
