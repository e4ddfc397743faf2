package dev.quayside.marathonapplier.service;

import dev.quayside.marathonapplier.config.ApplierConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One queue per definition (its Consul key, so one app or job), all served by one bounded worker pool: work for
 * different definitions runs at once (up to {@code parallelism}), work for one definition runs one item after the
 * other, in the order it was enqueued. A failed item does not stop the items queued behind it.
 */
@ApplicationScoped
public class ApplyQueue {

    private final ExecutorService workers;
    /** Per definition: completes when its last enqueued item is done (always normally). */
    private final Map<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    @Inject
    ApplyQueue(ApplierConfig config) {
        this(config.parallelism());
    }

    ApplyQueue(int parallelism) {
        AtomicInteger threads = new AtomicInteger();
        int size = Math.max(1, parallelism);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "marathon-applier-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true); // idle threads go after a minute
        this.workers = pool;
    }

    /**
     * Runs {@code work} on the worker pool once every item enqueued before it for {@code definition} is done; the
     * future completes with its result (or its failure).
     */
    public <T> CompletableFuture<T> enqueue(String definition, Supplier<T> work) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> previous = tails.put(definition, done);
        CompletableFuture<T> result = (previous == null ? CompletableFuture.<Void>completedFuture(null) : previous)
                .thenApplyAsync(ignored -> work.get(), workers);
        result.whenComplete((value, failure) -> {
            tails.remove(definition, done);
            done.complete(null);
        });
        return result;
    }

    /** Whether work for {@code definition} is running or queued. */
    public boolean busy(String definition) {
        return tails.containsKey(definition);
    }

    /** Whether the service is shutting down (work still queued or running then fails, and is not finished). */
    public boolean stopping() {
        return stopping;
    }

    @PreDestroy
    void stop() {
        stopping = true;
        workers.shutdownNow();
    }
}
