package dev.quayside.imagebuilder.service;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Stops a build at its timeout: the limit starts with the service's and may be shortened by the settings. The clock
 * runs while the job is in a lane (look-up, build slot), not while it waits for a build slot. On timeout it aborts the
 * job, which interrupts the thread bound to it.
 */
final class Watchdog {

    private final ScheduledExecutorService timer;
    private final BuildJob job;
    private volatile boolean fired;
    private volatile Duration limit;
    private long spentNanos;
    private long sinceNanos;
    private boolean running;
    private ScheduledFuture<?> task;

    /** Starts the clock of {@code job} on the calling thread; {@code timer} runs the timeouts. */
    Watchdog(ScheduledExecutorService timer, BuildJob job, Duration limit) {
        this.timer = timer;
        this.job = job;
        this.limit = limit;
        resume();
    }

    /** Starts or continues the clock; a timeout interrupts the calling thread. */
    synchronized void resume() {
        job.abort().bind(Thread.currentThread());
        sinceNanos = System.nanoTime();
        running = true;
        schedule();
    }

    /** Stops the clock while the job waits for a build slot. */
    synchronized void pause() {
        task.cancel(false);
        spentNanos = elapsedNanos();
        running = false;
    }

    /** Shortens the limit to {@code newLimit} when that is shorter; never lengthens it. */
    synchronized void restrict(Duration newLimit) {
        if (newLimit.compareTo(limit) < 0) {
            task.cancel(false);
            limit = newLimit;
            schedule();
        }
    }

    /** How long the job has been in a lane. */
    synchronized long elapsedNanos() {
        return spentNanos + (running ? System.nanoTime() - sinceNanos : 0);
    }

    private void schedule() {
        task = timer.schedule(() -> {
            fired = true;
            job.abort().abort();
        }, Math.max(0, limit.toNanos() - elapsedNanos()), TimeUnit.NANOSECONDS);
    }

    /** Whether the timeout was reached. */
    boolean fired() {
        return fired;
    }

    Duration limit() {
        return limit;
    }

    synchronized void cancel() {
        task.cancel(false);
    }
}
