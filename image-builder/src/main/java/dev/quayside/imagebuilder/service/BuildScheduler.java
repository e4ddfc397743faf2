package dev.quayside.imagebuilder.service;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Runs at most {@code concurrency} builds at once, fair across repositories (round robin over the repositories
 * with queued builds), and supersedes a queued build when a newer commit of the same repository and branch is queued.
 * Running builds are never superseded.
 */
public final class BuildScheduler {

    private final int concurrency;
    private final Executor workers;
    private final Consumer<BuildJob> runner;
    private final BiConsumer<BuildJob, BuildJob> onSuperseded;

    private final Map<String, Deque<BuildJob>> queues = new HashMap<>();
    private final Deque<String> rotation = new ArrayDeque<>();
    private final Map<String, BuildJob> active = new HashMap<>();
    private int running;

    /**
     * @param runner       runs one job to its end on a worker thread
     * @param onSuperseded called with (older, newer) for each queued job a newer one replaced
     */
    public BuildScheduler(int concurrency, Executor workers, Consumer<BuildJob> runner,
            BiConsumer<BuildJob, BuildJob> onSuperseded) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        this.concurrency = concurrency;
        this.workers = workers;
        this.runner = runner;
        this.onSuperseded = onSuperseded;
    }

    /**
     * Queues {@code job}, or returns the queued or running job with the same build id (a redelivered event joins it).
     */
    public BuildJob submit(BuildJob job) {
        List<BuildJob> superseded = new ArrayList<>();
        synchronized (this) {
            BuildJob existing = active.get(job.buildId());
            if (existing != null) {
                return existing;
            }
            Deque<BuildJob> queue = queues.computeIfAbsent(job.repository(), r -> new ArrayDeque<>());
            for (Iterator<BuildJob> it = queue.iterator(); it.hasNext();) {
                BuildJob queued = it.next();
                if (queued.branch().equals(job.branch())) {
                    it.remove();
                    active.remove(queued.buildId());
                    superseded.add(queued);
                }
            }
            if (queue.isEmpty() && !rotation.contains(job.repository())) {
                rotation.addLast(job.repository());
            }
            queue.addLast(job);
            active.put(job.buildId(), job);
        }
        superseded.forEach(old -> onSuperseded.accept(old, job));
        dispatch();
        return job;
    }

    /** A queued or running job. */
    public synchronized Optional<BuildJob> active(String buildId) {
        return Optional.ofNullable(active.get(buildId));
    }

    /** Every queued or running job. */
    public synchronized List<BuildJob> activeJobs() {
        return new ArrayList<>(active.values());
    }

    public synchronized int queued() {
        return queues.values().stream().mapToInt(Deque::size).sum();
    }

    public synchronized int running() {
        return running;
    }

    public int concurrency() {
        return concurrency;
    }

    private void dispatch() {
        while (true) {
            BuildJob next;
            synchronized (this) {
                if (running >= concurrency || rotation.isEmpty()) {
                    return;
                }
                String repository = rotation.pollFirst();
                Deque<BuildJob> queue = queues.get(repository);
                next = queue.pollFirst();
                if (queue.isEmpty()) {
                    queues.remove(repository);
                } else {
                    rotation.addLast(repository);
                }
                running++;
                next.state(BuildJob.State.RUNNING);
            }
            BuildJob job = next;
            workers.execute(() -> {
                try {
                    runner.accept(job);
                } finally {
                    synchronized (this) {
                        running--;
                        active.remove(job.buildId());
                    }
                    dispatch();
                }
            });
        }
    }
}
