package dev.quayside.imagebuilder.service;

import dev.quayside.events.CommitPushed;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Runs each job through two lanes, each with its own bound and fair across repositories (round robin over the
 * repositories with waiting jobs): the look-up lane (is the commit's image already in the registry?), then, only for
 * a missing image, the build lane (the build slots). A job waiting for either lane is superseded by a newer job of
 * the same repository and ref (branch or tag), also when the newer one was submitted while the older one was being
 * looked up. A job in a lane is never cut short.
 */
public final class BuildScheduler {

    private static final Logger LOG = Logger.getLogger(BuildScheduler.class);

    private final Lane lookUps;
    private final Lane builds;
    private final BiConsumer<BuildJob, BuildJob> onSuperseded;

    private final Map<String, BuildJob> active = new HashMap<>();
    /** The newest job of each repository and ref that has active jobs. */
    private final Map<String, BuildJob> newest = new HashMap<>();

    /**
     * @param lookUp       looks one job up to its end on a worker thread; true when it needs a build slot
     * @param build        runs one job's build to its end on a worker thread
     * @param onSuperseded called with (older, newer) for each waiting job a newer one replaced
     */
    public BuildScheduler(int lookUpConcurrency, Executor lookUpWorkers, Predicate<BuildJob> lookUp,
            int buildConcurrency, Executor buildWorkers, Consumer<BuildJob> build,
            BiConsumer<BuildJob, BuildJob> onSuperseded) {
        this.builds = new Lane("build", buildConcurrency, buildWorkers, job -> {
            build.accept(job);
            return false;
        }, null);
        this.lookUps = new Lane("look-up", lookUpConcurrency, lookUpWorkers, lookUp, builds);
        this.onSuperseded = onSuperseded;
    }

    /**
     * Queues {@code job} for its look-up, or returns the active job with the same build id (a redelivered event joins
     * it).
     */
    public BuildJob submit(BuildJob job) {
        List<BuildJob> superseded = new ArrayList<>();
        BuildJob newer;
        synchronized (this) {
            BuildJob existing = active.get(job.buildId());
            if (existing != null) {
                return existing;
            }
            newer = newest.get(branchKey(job));
            if (newer == null || !precedes(job, newer)) {
                newer = null;
                for (Lane lane : List.of(lookUps, builds)) {
                    lane.removeWaiting(job.repository(), job.ref(), superseded);
                }
                superseded.forEach(old -> active.remove(old.buildId()));
                newest.put(branchKey(job), job);
                active.put(job.buildId(), job);
                lookUps.enqueue(job);
            }
        }
        if (newer != null) {
            // a late push of an older commit (webhooks out of order after an outage): it never replaces the newer
            // job of its ref, it is replaced by it
            onSuperseded.accept(job, newer);
            return job;
        }
        superseded.forEach(old -> onSuperseded.accept(old, job));
        dispatch(lookUps);
        return job;
    }

    /**
     * True when the pushes themselves say that {@code older}'s commit comes before {@code newer}'s on their ref: it is
     * the {@code before} of {@code newer}'s push, or one of that push's commits. Without such evidence jobs are taken
     * in the order they arrive (and image-builder's announcement, which checks ancestry in Git, keeps an older image
     * from being announced over a newer one).
     */
    static boolean precedes(BuildJob older, BuildJob newer) {
        String commit = older.commit();
        CommitPushed push = newer.trigger().data();
        if (commit == null || commit.equals(push.after())) {
            return false;
        }
        return commit.equals(push.before())
                || push.commits() != null && push.commits().stream().anyMatch(c -> commit.equals(c.id()));
    }

    /** A queued or running job. */
    public synchronized Optional<BuildJob> active(String buildId) {
        return Optional.ofNullable(active.get(buildId));
    }

    /** Every queued or running job. */
    public synchronized List<BuildJob> activeJobs() {
        return new ArrayList<>(active.values());
    }

    /** Jobs waiting for a build slot. */
    public synchronized int queued() {
        return builds.waiting();
    }

    /** Jobs in a build slot. */
    public synchronized int running() {
        return builds.running;
    }

    /** Jobs waiting for the look-up lane. */
    public synchronized int lookUpsQueued() {
        return lookUps.waiting();
    }

    /** Jobs being looked up. */
    public synchronized int lookUpsRunning() {
        return lookUps.running;
    }

    /** Build slots. */
    public int concurrency() {
        return builds.concurrency;
    }

    private void dispatch(Lane lane) {
        while (true) {
            BuildJob next;
            synchronized (this) {
                next = lane.take();
                if (next == null) {
                    return;
                }
            }
            BuildJob job = next;
            try {
                lane.workers.execute(() -> run(lane, job));
            } catch (RejectedExecutionException e) {
                // the service is stopping (its executor is shut down): the job does not start here; its record was
                // not acknowledged, so it comes again after the restart
                synchronized (this) {
                    lane.running--;
                    retire(job);
                }
                LOG.debugf("build %s not started: the executor is shutting down", job.buildId());
                return;
            }
        }
    }

    private void run(Lane lane, BuildJob job) {
        boolean onward = false;
        try {
            onward = lane.work.test(job);
        } finally {
            BuildJob supersededBy = null;
            synchronized (this) {
                lane.running--;
                BuildJob newer = newest.get(branchKey(job));
                if (onward && newer == job) {
                    lane.next.enqueue(job);
                } else {
                    supersededBy = onward ? newer : null;
                    retire(job);
                }
            }
            if (supersededBy != null) {
                onSuperseded.accept(job, supersededBy);
            }
            dispatch(lane);
            if (onward) {
                dispatch(lane.next);
            }
        }
    }

    /** Forgets an ended job; a branch's newest job is kept while older jobs of the branch are active. */
    private void retire(BuildJob job) {
        active.remove(job.buildId());
        String key = branchKey(job);
        if (active.values().stream().noneMatch(other -> branchKey(other).equals(key))) {
            newest.remove(key);
        }
    }

    private static String branchKey(BuildJob job) {
        return job.repository() + "\u0000" + job.ref();
    }

    /** One bounded, fair lane; its state is guarded by the scheduler. */
    private static final class Lane {

        final int concurrency;
        final Executor workers;
        /** Runs one job; true when it goes on to {@link #next}. */
        final Predicate<BuildJob> work;
        final Lane next;
        final Map<String, Deque<BuildJob>> queues = new HashMap<>();
        final Deque<String> rotation = new ArrayDeque<>();
        int running;

        Lane(String name, int concurrency, Executor workers, Predicate<BuildJob> work, Lane next) {
            if (concurrency < 1) {
                throw new IllegalArgumentException(name + " concurrency must be at least 1, got " + concurrency);
            }
            this.concurrency = concurrency;
            this.workers = workers;
            this.work = work;
            this.next = next;
        }

        void enqueue(BuildJob job) {
            if (!rotation.contains(job.repository())) {
                rotation.addLast(job.repository());
            }
            queues.computeIfAbsent(job.repository(), r -> new ArrayDeque<>()).addLast(job);
            job.state(BuildJob.State.QUEUED);
        }

        /** Moves the waiting jobs of {@code ref} to {@code removed}; the repository keeps its turn. */
        void removeWaiting(String repository, String ref, List<BuildJob> removed) {
            Deque<BuildJob> queue = queues.get(repository);
            if (queue == null) {
                return;
            }
            for (Iterator<BuildJob> it = queue.iterator(); it.hasNext();) {
                BuildJob queued = it.next();
                if (queued.ref().equals(ref)) {
                    it.remove();
                    removed.add(queued);
                }
            }
            if (queue.isEmpty()) {
                queues.remove(repository);
            }
        }

        /** The next job to run, counted as running, or null when the lane is full or empty. */
        BuildJob take() {
            while (running < concurrency && !rotation.isEmpty()) {
                String repository = rotation.pollFirst();
                Deque<BuildJob> queue = queues.get(repository);
                if (queue == null) {
                    continue; // its waiting jobs were superseded while it waited for its turn
                }
                BuildJob job = queue.pollFirst();
                if (queue.isEmpty()) {
                    queues.remove(repository);
                } else {
                    rotation.addLast(repository);
                }
                running++;
                job.state(BuildJob.State.RUNNING);
                return job;
            }
            return null;
        }

        int waiting() {
            return queues.values().stream().mapToInt(Deque::size).sum();
        }
    }
}
