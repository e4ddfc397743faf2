package dev.quayside.imagebuilder.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/** The most recent finished builds (in memory, for {@code GET /builds}; Kafka keeps the full history). */
@ApplicationScoped
public class BuildHistory {

    static final int SIZE = 200;

    private final Deque<BuildJob> finished = new ArrayDeque<>();

    synchronized void finished(BuildJob job) {
        finished.removeIf(j -> j.buildId().equals(job.buildId()));
        finished.addFirst(job);
        while (finished.size() > SIZE) {
            finished.removeLast();
        }
    }

    /** Newest first. */
    public synchronized List<BuildJob> recent() {
        return new ArrayList<>(finished);
    }

    public synchronized Optional<BuildJob> find(String buildId) {
        return finished.stream().filter(j -> j.buildId().equals(buildId)).findFirst();
    }
}
