package dev.quayside.kit.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How far a {@link CompactedTopicMap}'s reader has applied each partition, the offsets this instance wrote, and the
 * callers waiting for a record to be applied (each wakes once, not on every poll).
 */
final class AppliedOffsets {

    private final Map<Integer, Long> positions = new HashMap<>();
    private final Map<Integer, Long> ownWrites = new HashMap<>();
    private final Map<Integer, TreeMap<Long, CompletableFuture<Void>>> waiters = new HashMap<>();

    /** This instance wrote the record at {@code offset} (Kafka acknowledged it). */
    synchronized void wrote(int partition, long offset) {
        ownWrites.merge(partition, offset, Math::max);
    }

    /** The latest offset this instance wrote, per partition. */
    synchronized Map<Integer, Long> ownWrites() {
        return new HashMap<>(ownWrites);
    }

    /** The reader's next offsets: every waiter for a record before them is released. */
    synchronized void advance(Map<Integer, Long> next) {
        positions.putAll(next);
        waiters.forEach((partition, pending) -> {
            NavigableMap<Long, CompletableFuture<Void>> done = pending
                    .headMap(positions.getOrDefault(partition, 0L), false);
            done.values().forEach(f -> f.complete(null));
            done.clear();
        });
    }

    /** The reader stopped: nobody waits any longer. */
    synchronized void fail() {
        waiters.values().forEach(pending -> pending.values()
                .forEach(f -> f.completeExceptionally(new IllegalStateException("the reader stopped"))));
        waiters.clear();
    }

    /**
     * Waits until the record at {@code offset} of {@code partition} is applied.
     *
     * @return false when it was not within {@code timeoutMillis} (or the reader stopped)
     * @throws InterruptedException when interrupted
     */
    boolean await(int partition, long offset, long timeoutMillis) throws InterruptedException {
        CompletableFuture<Void> applied;
        synchronized (this) {
            if (positions.getOrDefault(partition, 0L) > offset) {
                return true;
            }
            applied = waiters.computeIfAbsent(partition, p -> new TreeMap<>())
                    .computeIfAbsent(offset, o -> new CompletableFuture<>());
        }
        try {
            applied.get(timeoutMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }
}
