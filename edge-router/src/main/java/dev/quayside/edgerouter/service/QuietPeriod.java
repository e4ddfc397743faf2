package dev.quayside.edgerouter.service;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * consul-template's {@code wait {min, max}}: after a change, run the action once nothing changed for {@code min}, and
 * at the latest {@code max} after the first change of the burst. The action runs on the given (single-threaded)
 * executor, so runs never overlap; a change during a run schedules another one.
 */
public class QuietPeriod {

    private final long minNanos;
    private final long maxNanos;
    private final ScheduledExecutorService executor;
    private final Runnable action;
    private long burstStart = -1;
    private ScheduledFuture<?> pending;

    public QuietPeriod(Duration min, Duration max, ScheduledExecutorService executor, Runnable action) {
        if (min.isNegative() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("wait period needs 0 <= min <= max, got min " + min + ", max " + max);
        }
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
        this.executor = executor;
        this.action = action;
    }

    /** Something changed. */
    public synchronized void signal() {
        long now = System.nanoTime();
        if (burstStart < 0) {
            burstStart = now;
        }
        if (pending != null) {
            pending.cancel(false);
        }
        long delay = Math.max(0, Math.min(minNanos, burstStart + maxNanos - now));
        pending = executor.schedule(this::fire, delay, TimeUnit.NANOSECONDS);
    }

    private void fire() {
        synchronized (this) {
            burstStart = -1;
            pending = null;
        }
        action.run();
    }
}
